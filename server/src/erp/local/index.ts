export { createLocalConnector } from './connector.js';
export { type ImportSummary, importStockCsv, type RejectedRow } from './csv-import.js';
export { type LocalCustomerInput, upsertLocalCustomers } from './customers.js';
export { DEMO_STOCK_CSV, loadDemoData } from './demo-data.js';
export { cancelLocalInvoice, payLocalInvoice } from './invoice-status.js';
