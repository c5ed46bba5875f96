import { createAmoEmulator } from './index.js';
import type { AmoEmulatorOptions } from './options.js';

export const TEST_SECRET = 'test-client-secret-0123456789abcdef';
export const TEST_TOKEN = 'test-access-token';
export const TEST_BACKEND = 'http://127.0.0.1:8787';

/** An emulator for tests; the rate limit is off unless a test asks for it. */
export function testEmulator(extra: Partial<AmoEmulatorOptions> = {}) {
  return createAmoEmulator({
    clientSecret: TEST_SECRET,
    backendUrl: TEST_BACKEND,
    widgetDir: '/nonexistent-widget-dir',
    accessToken: TEST_TOKEN,
    rateLimitPerSecond: 0,
    ...extra,
  });
}

export const auth = { Authorization: `Bearer ${TEST_TOKEN}` };

export const jsonHeaders = { ...auth, 'Content-Type': 'application/json' };

/** A JSON request to the API with the test token. */
export function send(method: string, body: unknown): RequestInit {
  return { method, headers: jsonHeaders, body: JSON.stringify(body) };
}
