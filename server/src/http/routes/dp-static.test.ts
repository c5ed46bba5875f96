import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Installation } from '../../amocrm/installations.js';
import type { WebhookEvent } from '../../amocrm/webhooks/parse.js';
import { DomainError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { problemResponse } from '../problem.js';
import { DP_COALESCE_WINDOW_MS, dpMode, dpStaticRoutes } from './dp-static.js';

const INST = { id: 1, accountId: 777, subdomain: 'shop', status: 'active' } as Installation;

function harness(now = () => 1_000_000) {
  const stored: { accountId: number; events: readonly WebhookEvent[] }[] = [];
  let nextId = 1;
  const app = new Hono();
  app.route(
    '/',
    dpStaticRoutes({
      findActive: async (id) => (id === INST.accountId ? INST : undefined),
      inbox: {
        store: async (accountId, _raw, events) => {
          stored.push({ accountId, events });
          return { ids: events.map(() => nextId++), duplicates: 0 };
        },
      },
      onStored: () => {},
      log: createLogger('silent'),
      now,
    }),
  );
  app.onError((err, c) =>
    err instanceof DomainError
      ? problemResponse(c, err)
      : problemResponse(c, new DomainError('internal', 'boom', { title: 'Internal' })),
  );
  const post = (body: string, type = 'application/json') =>
    app.request('/webhooks/dp', { method: 'POST', body, headers: { 'content-type': type } });
  return { stored, post };
}

const dp = (accountId: unknown, subdomain: unknown, id: unknown, extra: object = {}) =>
  JSON.stringify({
    event: { type: 15, data: { id, element_type: 2, status_id: 5, pipeline_id: 6 } },
    account_id: accountId,
    subdomain,
    ...extra,
  });

describe('POST /webhooks/dp (static URL)', () => {
  it('stores one event for a known account and nothing for an unknown one or a wrong subdomain', async () => {
    const { stored, post } = harness();
    expect((await post(dp(777, 'shop', 1001))).status).toBe(204);
    expect((await post(dp(778, 'shop', 1001))).status).toBe(204);
    expect((await post(dp(777, 'other', 1001))).status).toBe(204);
    expect((await post(dp(777, undefined, 1001))).status).toBe(204);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.events[0]).toMatchObject({
      entity: 'leads',
      action: 'dp',
      record: { id: 1001, status_id: 5 },
    });
  });

  it('coalesces calls for one deal within the window (by our clock, not the body time)', async () => {
    let t = 5_000_000;
    const { stored, post } = harness(() => t);
    for (let i = 0; i < 5; i++) await post(dp(777, 'shop', 1001, { event: { time: i, data: { id: 1001 } } }));
    expect(stored).toHaveLength(1);
    t += DP_COALESCE_WINDOW_MS;
    await post(dp(777, 'shop', 1001));
    expect(stored).toHaveLength(2);
  });

  it('reads the action mode: "check" only checks', () => {
    expect(dpMode({ action: { settings: { widget: { settings: { mode: 'check' } } } } })).toBe('check');
    expect(dpMode({ action: { settings: { widget: { settings: { mode: ' Проверка ' } } } } })).toBe('check');
    expect(dpMode({ action: { settings: { widget: { settings: { mode: '' } } } } })).toBe('check_move');
    expect(dpMode({})).toBe('check_move');
    expect(dpMode(null)).toBe('check_move');
  });

  it('never answers 5xx to random bodies and refuses with problem+json', async () => {
    const { post } = harness();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .record({
              account_id: fc.oneof(fc.integer(), fc.string(), fc.constant(777)),
              subdomain: fc.oneof(fc.string(), fc.constant('shop')),
              event: fc.oneof(
                fc.anything(),
                fc.record({ data: fc.record({ id: fc.oneof(fc.integer(), fc.string()) }) }),
              ),
            })
            .map((v) => JSON.stringify(v)),
        ),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
        async (body, type) => {
          const res = await post(body, type);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
        },
      ),
      { numRuns: 300 },
    );
  });
});
