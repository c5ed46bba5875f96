import type { Context } from 'hono';
import type { z } from 'zod';
import { problem, type ValidationIssue, validationProblem } from './responses.js';

export const MAX_BATCH = 250;

/**
 * Reads and validates a JSON body. Issues inside an array body are reported per item, with the
 * item's index as request_id and the path inside the item, as amoCRM reports batch errors.
 */
export async function readBody<T>(
  c: Context,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: problem(c, 400, 'Request body must be JSON') };
  }
  if (Array.isArray(json) && json.length > MAX_BATCH) {
    const detail = `At most ${MAX_BATCH} entities per request`;
    return {
      ok: false,
      response: validationProblem(c, [{ path: '(root)', detail, code: 'TooManyEntities' }]),
    };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const batch = Array.isArray(json);
  const issues: ValidationIssue[] = result.error.issues.map((i) => {
    const [head, ...rest] = i.path;
    const itemPath = batch && typeof head === 'number' ? rest : i.path;
    return {
      requestId: batch && typeof head === 'number' ? String(head) : '0',
      path: itemPath.join('.') || '(root)',
      detail: i.message,
      code: i.code === 'invalid_type' ? 'InvalidType' : 'InvalidValue',
    };
  });
  return { ok: false, response: validationProblem(c, issues) };
}

/** Turns domain write errors of batch item `index` into validation issues. */
export const itemIssues = (index: number, errors: { code: string; path: string; detail: string }[]) =>
  errors.map((e): ValidationIssue => ({ ...e, requestId: String(index) }));
