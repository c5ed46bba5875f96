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
