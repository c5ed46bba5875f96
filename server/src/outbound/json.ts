import type { z } from 'zod';

export type Parsed<T> = { ok: true; data: T } | { ok: false; problem: string };

/** JSON text checked against a schema; `problem` names what was wrong without quoting the body. */
export function parseJson<S extends z.ZodType>(text: string, schema: S): Parsed<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the answer is not JSON' };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'wrong shape';
  return { ok: false, problem: `unexpected answer (${where})` };
}

/** Lenient: JSON when it is JSON, `undefined` for an empty or non-JSON body (error pages). */
export function jsonOrUndefined(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
