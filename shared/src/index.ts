export * from './availability.js';
export * from './problem.js';
export * from './stock.js';
export * from './widget-api.js';
