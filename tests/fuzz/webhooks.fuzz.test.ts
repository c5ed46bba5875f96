import { randomBytes } from 'node:crypto';
import { hookRoutes } from '@erp-bridge/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { encodeLoose, nastyText, rawBytes, webhookForm } from './arbitraries.js';
import { fillPath } from './routes.js';
import { expectWellFormed, MB, pool, retainedHeap } from './support.js';

const ACCOUNT = 31000001;
let stack: Stack;
let hookKey: string;

beforeAll(async () => {
  stack = await startStack({ emulator: { autoDeliverWebhooks: false } });
  const inst = await stack.server.services.installations.findActive(ACCOUNT);
  if (!inst) throw new Error('demo installation missing');
  hookKey = inst.hookKey;
});
afterAll(() => stack?.close());

const post = (path: string, body: string | Uint8Array, type = 'application/x-www-form-urlencoded') =>
  fetch(`${stack.backend}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : Uint8Array.from(body),
  });

describe('fuzz: webhooks', () => {
  it('any amoCRM-shaped body on the real hook URL: never a 5xx, every error problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(webhookForm(ACCOUNT), async (body) => {
        await expectWellFormed(await post(`/webhooks/amocrm/${hookKey}`, body), body.slice(0, 200));
      }),
      { numRuns: 100 },
    );
  });

  it('any bytes, any content type, on amoCRM and Digital Pipeline hooks', async () => {
    const type = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'text/plain',
      'multipart/form-data',
    );
    await fc.assert(
      fc.asyncProperty(rawBytes, type, fc.boolean(), async (body, contentType, dp) => {
        const path = dp ? `/webhooks/dp/${hookKey}` : `/webhooks/amocrm/${hookKey}`;
        await expectWellFormed(await post(path, body, contentType), `${path} ${contentType}`);
      }),
      { numRuns: 80 },
    );
  });

  it('any hook key: unknown keys are 404 problem+json, strange ones never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(nastyText, fc.boolean(), async (key, dp) => {
        const path = `/webhooks/${dp ? 'dp' : 'amocrm'}/${encodeLoose(key) || 'x'}`;
        await expectWellFormed(await post(path, `account[id]=${ACCOUNT}`), path.slice(0, 100));
      }),
      { numRuns: 120 },
    );
  });

  it("any bytes on the ERP's webhook URL (real and random keys): never a 5xx, errors problem+json", async () => {
    const real = new URL(await stack.server.services.erpLoop.hookUrl(ACCOUNT)).pathname;
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded');
    await fc.assert(
      fc.asyncProperty(
        rawBytes,
        type,
        fc.option(nastyText, { nil: undefined }),
        async (body, contentType, key) => {
          const path = key === undefined ? real : fillPath(hookRoutes.erpWebhook, encodeLoose(key) || 'x');
          await expectWellFormed(await post(path, body, contentType), `${path.slice(0, 60)} ${contentType}`);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('keeps the heap stable after 1500 distinct hook keys', async () => {
    const before = await retainedHeap();
    await pool(1500, 24, async (i) => {
      // Mostly over-long keys (refused at once), some plausible ones (a database miss each).
      const key = i % 8 === 0 ? randomBytes(24).toString('base64url') : randomBytes(6 * 1024).toString('hex');
      const res = await post(`/webhooks/amocrm/${key}`, `account[id]=${ACCOUNT}`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    });
    // An unbounded cache keeps ~1300 x 12 KB of keys here; a bounded one keeps (almost) nothing.
    expect((await retainedHeap()) - before).toBeLessThan(8 * MB);
  }, 60_000);
});
