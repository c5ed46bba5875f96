import { z } from 'zod';
import { parseOptions } from '../../options.js';

export const OneCEmulatorOptions = z.object({
  /** Infobase user and password for Basic auth (UTF-8: 1C user names are often Cyrillic). */
  user: z.string().min(1),
  password: z.string(),
  latencyMs: z.number().int().nonnegative().default(0),
  /** The free-stock accumulation register (UT 11 / KA / ERP name by default). */
  registerName: z.string().min(1).default('AccumulationRegister_СвободныеОстатки'),
  invoiceDocument: z.string().min(1).default('Document_СчетНаОплатуКлиенту'),
  /** Path of the OData root on the host, as a web server publication would have it. */
  basePath: z
    .string()
    .regex(/^\/.*[^/]$/)
    .default('/trade/odata/standard.odata'),
});
export type OneCEmulatorOptions = z.input<typeof OneCEmulatorOptions>;
export type ResolvedOptions = z.output<typeof OneCEmulatorOptions>;

export function resolveOptions(opts: OneCEmulatorOptions): ResolvedOptions {
  return parseOptions('1C emulator', OneCEmulatorOptions, opts);
}
