import {
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemCode,
  problemCodeForStatus,
  problemTypeUri,
} from '@erp-bridge/shared';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { problemForViewer } from './problem-viewer.js';

/** The problem+json body of a domain error (RFC 9457 with our `code`). */
export function problemBody(problem: DomainError): Problem {
  return {
    type: problemTypeUri(problem.code),
    title: problem.title ?? STATUS_TITLE[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(problem.errors && { errors: problem.errors }),
  };
}

const STATUS_TITLE: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  499: 'Request cancelled',
  500: 'Internal error',
  502: 'Upstream unavailable',
  503: 'Service unavailable',
  504: 'Upstream timeout',
};

/** Answers through the context so headers set earlier (CORS) stay on error responses. */
export function problemResponse(c: Context, problem: DomainError): Response {
  return c.body(JSON.stringify(problemBody(problem)), problem.status as ContentfulStatusCode, {
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
export function publicProblem(problem: DomainError): { problem: DomainError; scrubbed: boolean } {
  const serverSide = problem.status >= 500;
  if (!serverSide && !LEAKY.test(problem.detail)) return { problem, scrubbed: false };
  const detail = serverSide
    ? (SERVER_DETAIL[problem.code] ?? SERVER_DETAIL.internal ?? '')
    : 'The request could not be processed.';
  if (detail === problem.detail) return { problem, scrubbed: false };
  return {
    problem: new DomainError(problem.code, detail, {
      ...(problem.title !== undefined && { title: problem.title }),
      headers: problem.headers,
      ...(problem.errors && { errors: problem.errors }),
    }),
    scrubbed: true,
  };
}

/**
 * The one place a thrown error becomes an answer: a domain error as problem+json with the status of
 * its code (5xx details scrubbed), a framework 4xx by its status, anything else a bare 500 whose
 * cause only the log sees (no SQL, stack or remote body).
 */
export function errorAnswer(log: Pick<Logger, 'warn' | 'error'>): ErrorHandler {
  return (err, c) => {
    if (err instanceof DomainError) {
      const { problem, scrubbed } = publicProblem(err);
      if (scrubbed)
        log.warn(
          { code: err.code, status: err.status, detail: err.detail, path: c.req.path },
          'problem detail withheld',
        );
      return problemResponse(c, problemForViewer(c, problem));
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = problemCodeForStatus(err.status);
      const headers: Record<string, string> = err.status === 413 ? { connection: 'close' } : {};
      return problemResponse(c, publicProblem(new DomainError(code, err.message, { headers })).problem);
    }
    log.error(
      {
        err: { name: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack },
        path: c.req.path,
      },
      'unhandled error',
    );
    return problemResponse(c, new DomainError('internal', 'Something went wrong on our side.'));
  };
}
