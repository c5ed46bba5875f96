import type { z } from 'zod';

/** Parses an emulator's options; fails at construction with one readable line rather than on the first request. */
export function parseOptions<S extends z.ZodType>(name: string, schema: S, opts: z.input<S>): z.output<S> {
  const result = schema.safeParse(opts);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${name}: invalid options (${issues})`);
  }
  return result.data;
}
