import { existsSync } from 'node:fs';
import { encodeAmoWebhookBody } from '@erp-bridge/emulator-amocrm';
import { type Database, openDatabase } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCI, postgresForTests } from '../../server/src/db/test-databases.js';
import { CLUSTER_SECRET, type Cluster, NGINX, startCluster, stopChild } from '../support/cluster.js';
import { moveBackGuard } from '../support/guard-settings.js';
import { seedLead } from '../support/seed-leads.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

/**
 * N stateless instances on one PostgreSQL behave as one: two ROLE=web instances and one
 * ROLE=worker (the compiled production build, `node server/dist/start.js`) behind Debian's nginx
 * running deploy/nginx.conf (round robin), against the amoCRM emulator at its documented 7
 * requests/second. Everything goes through the nginx address, as amoCRM and the widget would.
 * With CI=true a missing nginx or PostgreSQL is a failure, not a skip.
 */
const adminUrl = postgresForTests();
const haveNginx = existsSync(NGINX);
if (inCI && !haveNginx) throw new Error(`CI requires nginx at ${NGINX}; .ci/run installs it`);

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const NEGOTIATION = 80012;
const INVOICED = 80013; // the gated stage
const SHORT_PRODUCT = 500104; // GLV-NIT-L: 100 free in the demo stock, 200 asked
const TAG = 'Нет в наличии';

let cluster: Cluster;
let database: Database | undefined;
/** Rows of a query on the cluster's database (numbers only in the statement: no user input here). */
const q = async (text: string) =>
  (await (database as Database).db.execute(text)) as unknown as { rows: Record<string, unknown>[] };

// Each call comes from another manager: the widget API caps one user's reads in flight.
let nextUser = 5_200_000;
const token = (isAdmin = false) =>
  signDisposableToken(CLUSTER_SECRET, {
    iss: `https://erpbridgedemo.amocrm.ru`,
    aud: cluster.url,
    account_id: ACCOUNT,
    user_id: nextUser++,
    is_admin: isAdmin,
  });
const widget = async (path: string, init: RequestInit = {}) =>
  fetch(`${cluster.url}${path}`, {
    ...init,
    headers: { 'x-auth-token': await token(true), 'content-type': 'application/json', ...init.headers },
  });
/** Stored webhook events per instance, from its own /metrics. */
async function storedBy(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /erpb_webhooks_received_total\{result="stored"\} (\d+)/.exec(text);
  return Number(m?.[1] ?? 0);
}
/** Adds deals to the emulator's state (as if created earlier), each asking for `qty` of one product. */
function seedDeals(first: number, n: number, statusId: number, qty: number) {
  for (let id = first; id < first + n; id++)
    seedLead(cluster.emulator.state, {
      id,
      name: `Scale-out deal ${id}`,
      statusId,
      pipelineId: PIPELINE,
      products: [[SHORT_PRODUCT, qty]],
      priceId: null,
    });
}
const apiCalls = () => cluster.emulator.calls.filter((c) => c.path.startsWith('/api/v4'));
const maxPerWindow = (times: number[], windowMs: number) => {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while ((t[hi] as number) - (t[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
};

describe.skipIf(!adminUrl || !haveNginx)(
  'two web instances and a worker behind nginx on one PostgreSQL',
  () => {
    beforeAll(async () => {
      cluster = await startCluster();
      database = await openDatabase({ databaseUrl: cluster.databaseUrl, dataDir: 'unused', poolMax: 2 });
      // Installed as amoCRM does it: the OAuth callback, through the load balancer.
      const code = cluster.emulator.state.issueAuthCode();
      const res = await fetch(`${cluster.url}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru`);
      expect(res.status).toBeLessThan(400);
      // The worker subscribes the hooks (a job the web instance enqueued).
      await until(() => cluster.emulator.state.webhooks.size > 0, 'webhook subscription by the worker');
      const put = await widget('/api/v1/settings', {
        method: 'PUT',
        body: JSON.stringify({ guard: moveBackGuard({ pipelineId: PIPELINE, statusId: INVOICED }, TAG) }),
      });
      expect(put.status, await put.text()).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      await cluster?.close();
    });

    it('enforces hooks spread over both web instances exactly once, duplicates included', async () => {
      const first = 7_100_000;
      const n = 12;
      seedDeals(first, n, NEGOTIATION, 200);
      const storedBefore = await Promise.all(cluster.webs.map((w) => storedBy(w.port)));
      for (let id = first; id < first + n; id++) {
        const moved = cluster.emulator.state.uiMoveLead(id, INVOICED);
        expect(moved.ok).toBe(true);
      }
      await cluster.emulator.webhooks.flush();
      // amoCRM retries what it thinks failed: every delivered body once more, round-robined again.
      const delivered = cluster.emulator.webhooks.deliveries.filter((d) => d.status === 204);
      await Promise.all(
        delivered.map((d) =>
          fetch(d.destination, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: d.body,
          }).then((r) => expect(r.status).toBe(204)),
        ),
      );
      const ids = Array.from({ length: n }, (_, i) => first + i);
      await until(
        () => ids.every((id) => cluster.emulator.state.leads.get(id)?.statusId === NEGOTIATION),
        'every short deal moved back',
        30_000,
      );
      await cluster.emulator.webhooks.flush();
      await until(
        async () =>
          Number(
            (await q('select count(*)::int n from webhook_inbox where processed_at is null')).rows[0]?.n,
          ) === 0,
        'inbox drained by the worker',
        30_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      const storedAfter = await Promise.all(cluster.webs.map((w) => storedBy(w.port)));
      const perInstance = storedAfter.map((s, i) => s - (storedBefore[i] as number));
      expect(
        perInstance.every((s) => s > 0),
        `stored per web instance: ${perInstance}`,
      ).toBe(true);
      const notes = [...cluster.emulator.state.notes.values()];
      const tasks = [...cluster.emulator.state.tasks.values()];
      for (const id of ids) {
        const lead = cluster.emulator.state.leads.get(id);
        expect(lead?.statusId).toBe(NEGOTIATION);
        expect(lead?.tags.map((t) => t.name)).toContain(TAG);
        expect(notes.filter((x) => x.entityId === id)).toHaveLength(1);
        expect(tasks.filter((x) => x.entityId === id)).toHaveLength(1);
      }
    }, 60_000);

    it('100 concurrent widget calls with an expired amoCRM token: one refresh, and 7 rps held across instances with no 429', async () => {
      // 25 deals, 4 calls each: every call needs amoCRM's answer (the instances share no cache), and
      // at 7 requests/second the whole burst still fits the test's time.
      const first = 7_200_000;
      const deals = 25;
      seedDeals(first, deals, NEGOTIATION, 1);
      const refreshesBefore = cluster.emulator.state.refreshCount();
      cluster.emulator.state.expireAccessTokens();
      const since = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await widget(`/api/v1/leads/${first + (i % deals)}/stock`);
          return { status: res.status, body: await res.text() };
        }),
      );
      const failed = answers.filter((a) => a.status !== 200);
      expect(failed.length, failed.map((f) => `${f.status} ${f.body.slice(0, 120)}`).join(' | ')).toBe(0);
      expect(cluster.emulator.state.refreshCount() - refreshesBefore).toBe(1);
      const calls = apiCalls().filter((c) => c.at >= since);
      const limited = calls.filter((c) => c.status === 429);
      const around = limited.map((l) =>
        calls
          .filter((c) => c.at > l.at - 1100 && c.at <= l.at)
          .map((c) => `${c.at - l.at}${c.status === 429 ? '!' : ''}`)
          .join(' '),
      );
      expect(limited, `arrivals (ms before each 429): ${around.join(' | ')}`).toHaveLength(0);
      expect(calls.length).toBeGreaterThanOrEqual(deals);
      // amoCRM counts per second; our window is 7 in any 1.1 s, so no 1 s window holds more than 7.
      expect(
        maxPerWindow(
          calls.map((c) => c.at),
          1000,
        ),
      ).toBeLessThanOrEqual(7);
    }, 60_000);

    it('a web instance killed mid-load loses no acknowledged hook, and the widget API answers through the survivor', async () => {
      const inst = await q(`select hook_key from installations where account_id = ${ACCOUNT}`);
      const hookUrl = `${cluster.url}/webhooks/amocrm/${inst.rows[0]?.hook_key}`;
      const first = 7_300_000;
      const total = 240;
      const now = Math.floor(Date.now() / 1000);
      const body = (id: number) =>
        encodeAmoWebhookBody(
          [
            {
              entity: 'leads',
              action: 'update',
              record: {
                id,
                name: `Load ${id}`,
                status_id: NEGOTIATION,
                pipeline_id: PIPELINE,
                account_id: ACCOUNT,
                last_modified: now,
                updated_at: now,
              },
            },
          ],
          { id: ACCOUNT, subdomain: 'erpbridgedemo' },
        );
      const victim = cluster.webs[0] as Cluster['webs'][number];
      const acked: number[] = [];
      let refused = 0;
      const refusals: string[] = [];
      const sends: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        if (i === total / 3) victim.child.kill('SIGKILL'); // mid-load, requests in flight
        const id = first + i;
        sends.push(
          fetch(hookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: body(id),
          }).then(
            async (r) => {
              await r.body?.cancel();
              if (r.status === 204) acked.push(id);
              else {
                refused++;
                if (refusals.length < 3) refusals.push(String(r.status));
              }
            },
            (err: Error) => {
              refused++;
              if (refusals.length < 3) refusals.push(err.message);
            },
          ),
        );
        await new Promise((r) => setTimeout(r, 8)); // ~100 hooks/s
      }
      await Promise.all(sends);
      await victim.exited;
      // Every 204 means stored: each acknowledged event is in PostgreSQL's inbox.
      const stored = await q(
        `select entity_id::bigint as id from webhook_inbox where entity_id between ${first} and ${first + total - 1}`,
      );
      const storedIds = new Set(stored.rows.map((r) => Number(r.id)));
      const lost = acked.filter((id) => !storedIds.has(id));
      expect(lost).toEqual([]);
      // The survivor took over: hooks sent after the kill were acknowledged (nginx sends what the
      // dead instance refuses to the next one). A hook not acknowledged (a 502 when an instance
      // died holding it, or a timeout on a starved machine) is amoCRM's to retry, not lost.
      const afterKill = acked.filter((id) => id >= first + total / 3);
      expect(afterKill.length, `refusals: ${refusals.join(', ')}`).toBeGreaterThan(total / 3);
      expect(acked.length + refused).toBe(total);

      const other = cluster.webs[1] as Cluster['webs'][number];
      let lastBody = '';
      const survivor = await Promise.all(
        Array.from({ length: 30 }, async () => {
          const res = await widget('/api/v1/leads/1001/stock');
          const text = await res.text();
          if (res.status !== 200) lastBody = text.slice(0, 300);
          return res.status;
        }),
      );
      expect(
        survivor.every((s) => s === 200),
        `statuses: ${survivor} (${lastBody}); survivor exit ${other.child.exitCode}; nginx: ${cluster.nginxLog().slice(-600)}`,
      ).toBe(true);
      // The survivor stops cleanly on SIGTERM (graceful stop exits 0).
      await stopChild(other.child, other.exited);
      expect(await other.exited).toBe(0);
    }, 60_000);
  },
);
