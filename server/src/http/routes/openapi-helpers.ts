import { PROBLEM_CONTENT_TYPE, Problem } from '@erp-bridge/shared';
import type { z } from 'zod';

export const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
});
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const authProblems = {
  400: problem('Invalid request'),
  401: problem('Missing or invalid disposable token'),
  403: problem('Not allowed for this user'),
};
