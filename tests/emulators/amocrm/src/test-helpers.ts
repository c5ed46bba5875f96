import { createAmoEmulator } from './index.js';

export const TEST_SECRET = 'test-client-secret-0123456789abcdef';
export const TEST_TOKEN = 'test-access-token';
export const TEST_BACKEND = 'http://127.0.0.1:8787';

export function testEmulator(extra: { widgetDir?: string; latencyMs?: number } = {}) {
  return createAmoEmulator({
    clientSecret: TEST_SECRET,
    backendUrl: TEST_BACKEND,
    widgetDir: extra.widgetDir ?? '/nonexistent-widget-dir',
    accessToken: TEST_TOKEN,
    ...(extra.latencyMs === undefined ? {} : { latencyMs: extra.latencyMs }),
  });
}

export const auth = { Authorization: `Bearer ${TEST_TOKEN}` };
