import { z } from 'zod';
import { parseOptions } from '../../options.js';

export const MoySkladEmulatorOptions = z.object({
  /** The token our connector sends as `Authorization: Bearer ...`. */
  token: z.string().min(1),
  /** Latency added to every admitted request (inside the in-flight window, as a slow ERP would be). */
  latencyMs: z.number().int().nonnegative().default(0),
  /** Sliding-window rate limit per token: MoySklad allows 45 requests per 3 s. */
  rateLimit: z
    .object({
      limit: z.number().int().positive().default(45),
      windowMs: z.number().int().positive().default(3000),
    })
    .prefault({}),
  /**
   * Units a /report/stock/bystore request takes from the window. MoySklad documents 5 for stock
   * reports; the default 1 keeps "45 requests per 3 s" literal for tests that count requests.
   */
  stockReportWeight: z.number().int().positive().default(1),
  /** Parallel requests per token before 429 code 1073. */
  maxParallel: z.number().int().positive().default(5),
  /** When false, /report/counterparty answers 403 as on a tariff without the CRM option. */
  counterpartyReport: z.boolean().default(true),
});
export type MoySkladEmulatorOptions = z.input<typeof MoySkladEmulatorOptions>;
export type ResolvedOptions = z.output<typeof MoySkladEmulatorOptions>;

export function resolveOptions(opts: MoySkladEmulatorOptions): ResolvedOptions {
  return parseOptions('MoySklad emulator', MoySkladEmulatorOptions, opts);
}
