export { createApp } from './app.js';
export { type Config, ConfigError, DEMO_CLIENT_SECRET, loadConfig } from './config.js';
export { createLogger } from './log.js';
export { DEMO_STOCK_CSV, type RunningServer, startServer } from './runtime.js';
