import { describe, expect, it } from 'vitest';
import { HttpProblem, publicProblem } from './problem.js';

const sql =
  'Failed query: insert into "customer_links" ("account_id", "customer_id") values ($1, $2)\nparams: 31000001,a\u0000b';

describe('publicProblem', () => {
  it('never lets a 5xx carry its original detail (SQL, a remote body), keeping status, code and headers', () => {
    const { problem, scrubbed } = publicProblem(
      new HttpProblem(502, 'erp.unavailable', 'The ERP is unavailable', sql, { 'retry-after': '5' }),
    );
    expect(scrubbed).toBe(true);
    expect(problem.toJSON()).toMatchObject({ status: 502, code: 'erp.unavailable' });
    expect(problem.detail).not.toMatch(/insert|params|customer_links/);
    expect(problem.headers).toEqual({ 'retry-after': '5' });
    const remote = publicProblem(
      new HttpProblem(
        502,
        'amocrm.unavailable',
        'amoCRM is unavailable',
        '<html><body>nginx error</body></html>',
      ),
    );
    expect(remote.problem.detail).not.toContain('nginx');
  });

  it('withholds a 4xx detail only when it looks like a leak', () => {
    const plain = new HttpProblem(
      404,
      'request.not_found',
      'Deal not found',
      'amoCRM has no deal with id 5.',
    );
    expect(publicProblem(plain)).toEqual({ problem: plain, scrubbed: false });
    const leaky = publicProblem(
      new HttpProblem(400, 'request.invalid', 'Bad', `x\n    at Object.<anonymous> (/srv/a.js:1:1)`),
    );
    expect(leaky.scrubbed).toBe(true);
    expect(leaky.problem.detail).not.toContain('a.js');
    expect(publicProblem(new HttpProblem(400, 'request.invalid', 'Bad', sql)).problem.detail).not.toContain(
      'insert',
    );
  });
});
