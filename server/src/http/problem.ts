import { PROBLEM_CONTENT_TYPE, type Problem, type ProblemCode, problemTypeUri } from '@erp-bridge/shared';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error that already knows how to answer: thrown anywhere, rendered by the app's onError. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: { path: string; message: string }[],
  ) {
    super(`${code}: ${detail}`);
  }

  toJSON(): Problem {
    return {
      type: problemTypeUri(this.code),
      title: this.title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(this.errors && { errors: this.errors }),
    };
  }
}

/** Answers through the context so headers set earlier (CORS) stay on error responses. */
export function problemResponse(c: Context, problem: HttpProblem): Response {
  return c.body(JSON.stringify(problem.toJSON()), problem.status as ContentfulStatusCode, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...problem.headers,
  });
}

/** What a server-side failure may tell the caller: one fixed sentence per code. */
const SERVER_DETAIL: Partial<Record<ProblemCode, string>> = {
  'erp.unavailable': 'The ERP did not answer as expected. Try again in a moment.',
  'erp.timeout': 'The ERP did not answer in time. Try again in a moment.',
  'amocrm.unavailable': 'amoCRM did not answer as expected. Try again in a moment.',
  internal: 'Something went wrong on our side.',
};

/** Text that must never reach a caller: SQL, a driver's query dump, a stack trace. */
const LEAKY =
  /failed query|\bparams?:|\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b|\n\s*at\s|\bstack\b|<\s*(html|!doctype)/i;

/**
 * The problem as the caller may see it. A 5xx never carries its original detail (an ERP's or
 * amoCRM's answer, a database message): that goes to the log; the caller gets the sentence of its
 * code. A 4xx keeps its detail unless it looks like a leak, then it gets a generic one too.
 */
export function publicProblem(problem: HttpProblem): { problem: HttpProblem; scrubbed: boolean } {
  const serverSide = problem.status >= 500;
  if (!serverSide && !LEAKY.test(problem.detail)) return { problem, scrubbed: false };
  const detail = serverSide
    ? (SERVER_DETAIL[problem.code] ?? SERVER_DETAIL.internal ?? '')
    : 'The request could not be processed.';
  if (detail === problem.detail) return { problem, scrubbed: false };
  return {
    problem: new HttpProblem(
      problem.status,
      problem.code,
      problem.title,
      detail,
      problem.headers,
      problem.errors,
    ),
    scrubbed: true,
  };
}
