import { PROBLEM_STATUS } from '@erp-bridge/shared';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { errorAnswer, problemBody, publicProblem } from './problem.js';

const sql =
  'Failed query: insert into "customer_links" ("account_id", "customer_id") values ($1, $2)\nparams: 31000001,a\u0000b';

describe('publicProblem', () => {
  it('never lets a 5xx carry its original detail (SQL, a remote body), keeping status, code and headers', () => {
    const { problem, scrubbed } = publicProblem(
      new DomainError('erp.unavailable', sql, {
        title: 'The ERP is unavailable',
        headers: { 'retry-after': '5' },
      }),
    );
    expect(scrubbed).toBe(true);
    expect(problemBody(problem)).toMatchObject({ status: 502, code: 'erp.unavailable' });
    expect(problem.detail).not.toMatch(/insert|params|customer_links/);
    expect(problem.headers).toEqual({ 'retry-after': '5' });
    const remote = publicProblem(
      new DomainError('amocrm.unavailable', '<html><body>nginx error</body></html>', {
        title: 'amoCRM is unavailable',
      }),
    );
    expect(remote.problem.detail).not.toContain('nginx');
  });

  it('withholds a 4xx detail only when it looks like a leak', () => {
    const plain = new DomainError('request.not_found', 'amoCRM has no deal with id 5.', {
      title: 'Deal not found',
    });
    expect(publicProblem(plain)).toEqual({ problem: plain, scrubbed: false });
    const leaky = publicProblem(
      new DomainError('request.invalid', `x\n    at Object.<anonymous> (/srv/a.js:1:1)`, { title: 'Bad' }),
    );
    expect(leaky.scrubbed).toBe(true);
    expect(leaky.problem.detail).not.toContain('a.js');
    expect(
      publicProblem(new DomainError('request.invalid', sql, { title: 'Bad' })).problem.detail,
    ).not.toContain('insert');
  });
});

describe('errorAnswer', () => {
  const log = { warn: () => {}, error: () => {} };
  const appThrowing = (err: Error) => {
    const app = new Hono();
    app.get('/', () => {
      throw err;
    });
    app.onError(errorAnswer(log));
    return app;
  };

  it('answers a domain error with the status of its code from the one table', async () => {
    for (const [code, status] of [
      ['idempotency.key_reused', 422],
      ['guard.disabled', 409],
      ['request.unsupported_media_type', 415],
      ['amocrm.lead_not_found', 404],
    ] as const) {
      const res = await appThrowing(new DomainError(code, 'x')).request('/');
      expect(res.status).toBe(status);
      expect(res.status).toBe(PROBLEM_STATUS[code]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ code, status, detail: 'x' });
    }
  });

  it("gives a framework 4xx the specific code of its status, and hides an unknown error's message", async () => {
    const unsupported = await appThrowing(new HTTPException(415, { message: 'no' })).request('/');
    expect(await unsupported.json()).toMatchObject({ status: 415, code: 'request.unsupported_media_type' });
    const conflict = await appThrowing(new HTTPException(409, { message: 'no' })).request('/');
    expect(await conflict.json()).toMatchObject({ status: 409, code: 'request.conflict' });
    const odd = await appThrowing(new HTTPException(405, { message: 'no' })).request('/');
    expect(await odd.json()).toMatchObject({ status: 400, code: 'request.invalid' });
    const boom = await appThrowing(new Error('select * from secrets')).request('/');
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secrets');
  });
});
