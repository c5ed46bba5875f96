export { createApp } from './app.js';
export { ConfigError, DEMO_CLIENT_SECRET, loadConfig, type Config } from './config.js';
export { createLogger } from './log.js';
export { DEMO_STOCK_CSV, startServer, type RunningServer } from './runtime.js';
