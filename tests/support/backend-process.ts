import { loadConfig, startServer } from '@erp-bridge/server';
import { LOOP_POLL_JOB } from '../../server/src/erp-loop/service.js';

/**
 * The real backend as a process of its own, configured by its environment exactly as in
 * production (plus GUARD_LEASE_MS, so crash tests need not wait out 30 s leases). Prints one JSON
 * line `{"ready": {"url": ...}}` once listening; SIGTERM closes it gracefully. SIGUSR2 is "the
 * minute came" (pollErpNow): the ERP loop's per-minute poll is queued now, as its cron would.
 */
const config = loadConfig(process.env);
const lease = process.env.GUARD_LEASE_MS ? Number(process.env.GUARD_LEASE_MS) : undefined;
const server = await startServer(config, { guardLeaseMs: lease });
process.stdout.write(`${JSON.stringify({ ready: { url: server.url } })}\n`);
process.on('SIGUSR2', () => {
  server.services.queue.send(LOOP_POLL_JOB, {}).catch(() => {});
});
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
