import { afterAll, beforeAll } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';

/**
 * The backend every edge fuzz file hits: no amoCRM rate limit and no automatic hook delivery in
 * the emulator (the fuzzer is the only client), a generous backend limit. Started before the
 * file's tests, closed after them; read `.stack` inside tests.
 */
export function useFuzzStack(): { readonly stack: Stack } {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({
      emulator: { rateLimitPerSecond: 0, autoDeliverWebhooks: false },
      env: { AMO_RATE_LIMIT: '50' },
    });
  });
  afterAll(() => stack?.close());
  return {
    get stack() {
      if (!stack) throw new Error('the fuzz stack has not started');
      return stack;
    },
  };
}
