import { loadConfig } from '@erp-bridge/server';
import { type Demo, startDemo } from '../../scripts/demo.js';
import { freePort } from './ports.js';

/** The demo (backend + amoCRM emulator + sandbox) on a free port with an in-memory database. */
export async function startTestDemo(
  secret: string,
  env: Record<string, string> = {},
): Promise<{ demo: Demo; backend: string }> {
  const port = await freePort();
  const backend = `http://127.0.0.1:${port}`;
  const demo = await startDemo(
    loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: backend,
      DATA_DIR: 'memory://',
      AMO_CLIENT_SECRET: secret,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  return { demo, backend };
}
