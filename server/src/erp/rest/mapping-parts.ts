import { z } from 'zod';
import { compilePath } from './path.js';

/** The building blocks every mapping block is made of: paths, fields, templates and requests. */

export const Path = z.string().superRefine((s, ctx) => {
  try {
    compilePath(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

const DateFormat = z.enum(['auto', 'iso', 'local', 'epoch_s', 'epoch_ms']);

/** A path, or a path with a divisor (kopecks ÷ 100) and, for dates, a format and time zone. */
export const Field = z.union([
  Path,
  z.strictObject({
    path: Path,
    divideBy: z.number().positive().optional(),
    format: DateFormat.optional(),
    timeZone: TimeZone.optional(),
  }),
]);
export type FieldSpec = z.infer<typeof Field>;

export const Template = z.string();

export const Request = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** Relative to baseUrl (or absolute). Placeholder values are percent-encoded. */
  urlTemplate: Template,
  /** Query parameters; values are templates, encoded by the connector. */
  query: z.record(z.string(), Template).optional(),
  /** A JSON template sent as the body. */
  body: z.unknown().optional(),
  headers: z.record(z.string(), Template).optional(),
});
export type RequestSpec = z.infer<typeof Request>;

export const list = <T extends z.ZodRawShape>(fields: T) =>
  z.strictObject({ records: Path, fields: z.strictObject(fields) });
export const single = <T extends z.ZodRawShape>(fields: T) =>
  z.strictObject({ record: Path.default(''), fields: z.strictObject(fields) });
