import { Writable } from 'node:stream';
import { createLogger } from '@erp-bridge/server';
import { installations } from '@erp-bridge/server/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase, postgresForTests } from '../../server/src/db/test-databases.js';
import { startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';

const ACCOUNT = 31000001;
const pgUrl = postgresForTests();

describe('secrets never reach the logs', () => {
  it('logs an OAuth install, a refresh, widget calls and failures at debug level without a token or secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const stack = await startStack({
      oauth: true,
      emulator: { rateLimitPerSecond: 0 },
      log: createLogger('debug', sink),
    });
    try {
      const code = stack.emulator.state.issueAuthCode();
      expect(
        (await fetch(`${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru`)).status,
      ).toBe(200);
      // A reused code fails and is logged.
      await fetch(`${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru`);
      stack.emulator.state.expireAccessTokens();
      const inst = await stack.server.services.installations.findActive(ACCOUNT);
      if (!inst) throw new Error('not installed');
      await stack.server.services.access.clientFor(inst).account();
      const widgetToken = await signDisposableToken(TEST_SECRET, {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: stack.backend,
        account_id: ACCOUNT,
      });
      await fetch(`${stack.backend}/api/v1/leads/1001/stock`, { headers: { 'X-Auth-Token': widgetToken } });
      await fetch(`${stack.backend}/api/v1/leads/1001/stock`, { headers: { 'X-Auth-Token': widgetToken } }); // replay: refused, logged?

      const secrets = [TEST_SECRET, widgetToken, code, ...stack.emulator.state.oauth.issuedTokens()];
      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(3);
      for (const s of secrets) expect(log).not.toContain(s);
      const [row] = await stack.server.services.database.db.select().from(installations);
      for (const s of stack.emulator.state.oauth.issuedTokens()) expect(JSON.stringify(row)).not.toContain(s);
    } finally {
      await stack.close();
    }
  });
});

describe.runIf(pgUrl)('the whole backend on PostgreSQL', () => {
  it('serves the widget, ingests a webhook and enforces the guard with PostgreSQL as its only store', async () => {
    const stack = await startStack({
      databaseUrl: await freshDatabase(),
      emulator: { rateLimitPerSecond: 7 },
    });
    try {
      await stack.server.services.accountSettings.update(ACCOUNT, {
        guard: {
          enabled: true,
          gatedStages: [{ pipelineId: 8001, statusId: 80013 }],
          action: { type: 'move_back' },
        },
      });
      const token = await signDisposableToken(TEST_SECRET, {
        iss: 'https://erpbridgedemo.amocrm.ru',
        aud: stack.backend,
        account_id: ACCOUNT,
      });
      const stock = await fetch(`${stack.backend}/api/v1/leads/1001/stock`, {
        headers: { 'X-Auth-Token': token },
      });
      expect((await stock.json()).status).toBe('ok');
      const end = Date.now() + 20_000;
      while (stack.emulator.state.webhooks.size === 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      const before = stack.emulator.state.leads.get(1002)?.statusId;
      expect(stack.emulator.state.uiMoveLead(1002, 80013).ok).toBe(true);
      while (stack.emulator.state.leads.get(1002)?.statusId !== before && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      expect(stack.emulator.state.leads.get(1002)?.statusId).toBe(before);
      expect(stack.server.services.database.kind).toBe('postgres');
    } finally {
      await stack.close();
    }
  }, 60_000);
});
