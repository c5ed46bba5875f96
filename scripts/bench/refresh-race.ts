import { installations } from '@erp-bridge/server/db';
import { prepareRefreshRace, runRefreshWorkers } from '../../tests/support/refresh-worker.js';
import { startStack } from '../../tests/support/stack.js';
import { isMain } from './lib/child.js';
import type { Bench } from './lib/report.js';
import { runAlone } from './lib/run.js';

const CALLS = 100;

const bench: Bench = {
  name: 'refresh-race',
  title: `${CALLS} concurrent amoCRM calls with an expired token → refresh calls at the emulator`,
  async run(ctx, out) {
    // One process: the real server installed through OAuth, its client for the installation.
    const stack = await startStack({
      oauth: true,
      emulator: { rateLimitPerSecond: 0 },
      env: { AMO_RATE_LIMIT: '50' },
    });
    try {
      const code = stack.emulator.state.issueAuthCode();
      const res = await fetch(
        `${stack.backend}/oauth/callback?code=${code}&referer=${stack.emulator.state.account.subdomain}.amocrm.ru&state=bench`,
      );
      if (res.status !== 200) throw new Error(`install answered ${res.status}`);
      const inst = await stack.server.services.installations.findActive(stack.emulator.state.account.id);
      if (!inst) throw new Error('not installed');
      const amo = stack.server.services.access.clientFor(inst);
      await new Promise((r) => setTimeout(r, 500)); // the install job's own calls

      const variants = [
        {
          label: 'amoCRM expired the token, our clock did not (401 → onUnauthorized)',
          prepare: async () => stack.emulator.state.expireAccessTokens(),
        },
        {
          label: 'our clock says expired (refresh ahead, getAccessToken)',
          prepare: async () => {
            stack.emulator.state.expireAccessTokens();
            await stack.server.services.database.db
              .update(installations)
              .set({ tokenExpiresAt: new Date(Date.now() - 60_000) });
          },
        },
      ];
      for (const v of variants) {
        await v.prepare();
        const before = stack.emulator.state.refreshCount();
        const started = performance.now();
        const results = await Promise.allSettled(Array.from({ length: CALLS }, () => amo.account()));
        const ms = performance.now() - started;
        const refreshes = stack.emulator.state.refreshCount() - before;
        const failed = results.filter((r) => r.status === 'rejected').length;
        out.rows.push({
          metric: `1 process, ${CALLS} calls: ${v.label}`,
          value: `${refreshes} refresh${refreshes === 1 ? '' : 'es'}, ${failed} failed, ${ms.toFixed(0)} ms`,
          budget: '1 refresh, 0 failed',
          ok: refreshes === 1 && failed === 0,
        });
      }
    } finally {
      await stack.close();
    }

    if (!ctx.postgresUrl) {
      out.notes.push('Two-process variant skipped: TEST_DATABASE_URL is not set.');
      return;
    }
    for (const mode of ['get', 'unauthorized'] as const) {
      const race = await prepareRefreshRace(ctx.postgresUrl, { expired: mode === 'get' });
      try {
        ctx.log(`2 processes × 50 calls on PostgreSQL (${mode})`);
        const results = await runRefreshWorkers(race, { mode, calls: 50, processes: 2 });
        const refreshes = race.emulator.state.refreshCount();
        const tokens = new Set(results.flatMap((w) => w.tokens));
        const errors = results.flatMap((w) => w.errors);
        const stored = await race.stored();
        const ok =
          refreshes === 1 &&
          tokens.size === 1 &&
          errors.length === 0 &&
          stored.accessToken === [...tokens][0] &&
          stored.refreshToken !== race.original.refreshToken;
        out.rows.push({
          metric: `2 processes × 50 calls, one PostgreSQL: ${
            mode === 'get' ? 'expired by our clock (getAccessToken)' : '401 on the old token (onUnauthorized)'
          }`,
          value: `${refreshes} refresh${refreshes === 1 ? '' : 'es'}, ${tokens.size} distinct token${
            tokens.size === 1 ? '' : 's'
          }, ${errors.length} errors, slowest process ${Math.max(...results.map((w) => w.ms)).toFixed(0)} ms`,
          budget: '1 refresh, 1 token, stored pair = new pair',
          ok,
        });
      } finally {
        await race.close();
      }
    }
    out.notes.push(
      'Two-process variant: tests/support/refresh-worker.ts spawned twice (node --import tsx), each with the real ' +
        'token manager on a fresh PostgreSQL database, released together; refreshes counted by the emulator ' +
        '(successful refresh_token grants).',
    );
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
