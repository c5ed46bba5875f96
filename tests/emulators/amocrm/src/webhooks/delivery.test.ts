import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type StartedAmoEmulator, startAmoEmulator } from '../index.js';
import { send, TEST_BACKEND, TEST_SECRET, TEST_TOKEN } from '../test-helpers.js';

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
  });

describe('webhook delivery over the network', () => {
  let emu: StartedAmoEmulator | undefined;
  const received: { type: string | undefined; body: string }[] = [];
  const server = createServer(async (req, res) => {
    received.push({ type: req.headers['content-type'], body: await read(req) });
    res.writeHead(204).end();
  });
  afterEach(async () => {
    await emu?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the form body to a real destination after the API answered', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/amocrm/k`;
    emu = await startAmoEmulator({
      clientSecret: TEST_SECRET,
      backendUrl: TEST_BACKEND,
      widgetDir: '/nonexistent',
      accessToken: TEST_TOKEN,
    });
    await fetch(`${emu.url}/api/v4/webhooks`, send('POST', { destination: hook, settings: ['update_lead'] }));
    const res = await fetch(`${emu.url}/api/v4/leads/1001`, send('PATCH', { name: 'По сети' }));
    expect(res.status).toBe(200);
    await emu.webhooks.flush();
    expect(received).toHaveLength(1);
    expect(received[0]?.type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(received[0]?.body).get('leads[update][0][name]')).toBe('По сети');
    expect(emu.state.webhookDeliveries.map((d) => d.status)).toEqual([204]);
  });
});
