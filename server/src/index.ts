export { createApp } from './app.js';
export { type Config, ConfigError, DEMO_CLIENT_SECRET, loadConfig } from './config.js';
export type { EventHandler } from './jobs/platform-jobs.js';
export { createLogger, type Logger } from './log.js';
export { createMetrics } from './metrics.js';
export { DEMO_STOCK_CSV, type RunningServer, type Services, startServer } from './runtime.js';
