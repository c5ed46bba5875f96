import type { z } from 'zod';
import type { ValidationIssue } from './responses.js';

/** Runs a zod schema and turns its issues into amoCRM validation errors. */
export function parseOrIssues<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { ok: true; value: T } | { ok: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', detail: i.message })),
  };
}

/**
 * Values of a bracketed array query parameter in every spelling PHP-style clients use:
 * `filter[id]=1`, `filter[id][]=1`, `filter[id][0]=1`, and comma lists `filter[id]=1,2`.
 */
export function bracketList(url: string, name: string): string[] | undefined {
  const params = new URL(url).searchParams;
  const found: string[] = [];
  let seen = false;
  for (const [key, value] of params) {
    if (key === name || (key.startsWith(`${name}[`) && /^\[\d*\]$/.test(key.slice(name.length)))) {
      seen = true;
      found.push(...value.split(',').filter((v) => v !== ''));
    }
  }
  return seen ? found : undefined;
}
