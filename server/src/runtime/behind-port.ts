import type { Config } from '../config.js';
import { defineJobs, type JobOptions } from './jobs.js';
import type { CoreServices } from './services.js';
import { loadStockData } from './stock-data.js';

/**
 * What starts after the port is open (runtime.ts): pg-boss (its schema check and timers), the
 * embedded store's stock data, and every queue with its workers and schedules. On PGlite these
 * are most of a restart's time, and nothing but /readyz needs them to answer.
 */
export async function startBehindPort(
  s: CoreServices,
  config: Config,
  opts: JobOptions,
  mark: (phase: string) => void,
) {
  await s.queue.start();
  mark('queue');
  await loadStockData(s.database.db, config, opts.log);
  mark('stockData');
  const jobs = await defineJobs(s, config, opts);
  mark('jobs');
  return jobs;
}
