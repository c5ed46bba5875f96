import type { StockReport } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import {
  type AjaxOptions,
  type ApiFailure,
  createApiClient,
  failureFromXhr,
  type JqXhrLike,
  toFailure,
} from './api-client.js';

const REPORT: StockReport = {
  leadId: 7,
  status: 'ok',
  lines: [],
  asOf: '2026-01-01T00:00:00Z',
  stale: false,
  source: 'local',
};

/** A fake $authorizedAjax: records its options and settles like a jQuery promise. */
function fakeAjax(outcome: { done: unknown } | { fail: JqXhrLike; textStatus?: string }) {
  const calls: AjaxOptions[] = [];
  const ajax = (options: AjaxOptions) => {
    calls.push(options);
    return {
      // biome-ignore lint/suspicious/noThenProperty: it stands in for a jQuery promise, a thenable on purpose.
      then(done: (data: unknown) => void, fail: (xhr: JqXhrLike, textStatus?: string) => void) {
        // jQuery 3 settles asynchronously; so does this.
        queueMicrotask(() =>
          'done' in outcome ? done(outcome.done) : fail(outcome.fail, outcome.textStatus),
        );
        return this;
      },
    };
  };
  return { ajax, calls };
}

describe('createApiClient', () => {
  it('GETs the lead stock path on the backend through $authorizedAjax', async () => {
    const { ajax, calls } = fakeAjax({ done: REPORT });
    const report = await createApiClient('https://bridge.example', ajax).leadStock(7);
    expect(report).toEqual(REPORT);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: 'https://bridge.example/api/v1/leads/7/stock',
      method: 'GET',
      dataType: 'json',
    });
  });

  it('rejects with the problem+json title and detail of an HTTP error', async () => {
    const { ajax } = fakeAjax({
      fail: {
        status: 503,
        responseJSON: {
          type: 'https://erp-bridge.dev/problems/erp/unavailable',
          title: 'ERP unavailable',
          status: 503,
          detail: 'MoySklad did not answer',
          code: 'erp.unavailable',
        },
      },
      textStatus: 'error',
    });
    await expect(createApiClient('https://b.example', ajax).leadStock(7)).rejects.toEqual({
      kind: 'http',
      status: 503,
      code: 'erp.unavailable',
      title: 'ERP unavailable',
      detail: 'MoySklad did not answer',
    } satisfies ApiFailure);
  });

  it('rejects an answer that is not a stock report', async () => {
    const { ajax } = fakeAjax({ done: '<html>proxy login</html>' });
    await expect(createApiClient('https://b.example', ajax).leadStock(7)).rejects.toMatchObject({
      kind: 'invalid-response',
    });
  });

  it('checks the answers of the customer pick and the gate setup like every other (no untyped answer)', async () => {
    const html = fakeAjax({ done: '<html>proxy page</html>' });
    const client = createApiClient('https://b.example', html.ajax);
    await expect(client.chooseCustomer('contacts', 5, 'c-1')).rejects.toMatchObject({
      kind: 'invalid-response',
    });
    await expect(client.guardSetup(true)).rejects.toMatchObject({ kind: 'invalid-response' });
    const ok = fakeAjax({ done: { fieldId: 901, requiredStatuses: 2 } });
    await expect(createApiClient('https://b.example', ok.ajax).guardSetup(true)).resolves.toEqual({
      fieldId: 901,
      requiredStatuses: 2,
    });
    expect(JSON.parse(String(ok.calls[0]?.data))).toEqual({ enable: true });
  });
});

describe('failureFromXhr', () => {
  it('reads the problem from responseText when jQuery did not parse it', () => {
    const xhr = {
      status: 401,
      responseText: JSON.stringify({ title: 'Token expired', code: 'auth.expired_token' }),
    };
    expect(failureFromXhr(xhr, 'error')).toEqual({
      kind: 'http',
      status: 401,
      title: 'Token expired',
      code: 'auth.expired_token',
    });
  });
  it('keeps the field-level errors of a 400 and drops malformed entries', () => {
    const body = {
      status: 400,
      code: 'request.invalid',
      title: 'Invalid request',
      detail: 'guard.tag: Too small',
      errors: [{ path: 'guard.tag', message: 'Too small' }, { path: 3 }],
    };
    expect(failureFromXhr({ status: 400, responseJSON: body }, 'error').errors).toEqual([
      { path: 'guard.tag', message: 'Too small' },
    ]);
  });

  it('keeps only the status for a non-JSON error body', () => {
    expect(failureFromXhr({ status: 502, responseText: '<h1>Bad gateway</h1>' }, 'error')).toEqual({
      kind: 'http',
      status: 502,
    });
  });
  it('maps status 0 to a network failure and jQuery timeouts to timeout', () => {
    expect(failureFromXhr({ status: 0 }, 'error').kind).toBe('network');
    expect(failureFromXhr({ status: 0 }, 'timeout').kind).toBe('timeout');
    expect(failureFromXhr(undefined).kind).toBe('network');
  });
});

describe('toFailure', () => {
  it('passes failures through and wraps anything else as a network failure', () => {
    const failure: ApiFailure = { kind: 'http', status: 500 };
    expect(toFailure(failure)).toBe(failure);
    expect(toFailure(new Error('boom'))).toEqual({ kind: 'network', status: 0, detail: 'boom' });
  });
});
