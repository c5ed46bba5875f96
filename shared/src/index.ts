export * from './availability.js';
export * from './customer.js';
export * from './guard.js';
export * from './invoices.js';
export * from './problem.js';
export * from './settings.js';
export * from './stock.js';
export * from './widget-api.js';
