import type { z } from 'zod';
import { DomainError } from '../errors.js';

/** The problem+json `request.invalid` for a request whose params, query or body failed its schema. */
export function invalidRequest(issues: readonly z.core.$ZodIssue[]): DomainError {
  const errors = issues.map((i) => ({ path: i.path.join('.') || 'request', message: i.message }));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new DomainError('request.invalid', detail, { title: 'Invalid request', errors });
}
