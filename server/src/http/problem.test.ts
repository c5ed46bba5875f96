import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { problemBody, publicProblem } from './problem.js';

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
