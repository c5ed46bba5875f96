import { z } from 'zod';
import { DEMO_ACCOUNT } from './seed.js';

export const AmoEmulatorOptions = z.object({
  /** Signs sandbox disposable tokens (HS256), as amoCRM signs them with the integration's secret. */
  clientSecret: z.string().min(1),
  /** Our backend's origin: `aud` of disposable tokens and the widget's `backend_url` setting. */
  backendUrl: z.url(),
  /** Unpacked widget archive (manifest.json, script.js, i18n/, images/), read on every request. */
  widgetDir: z.string().min(1),
  /** The long-lived API token the backend sends as `Authorization: Bearer ...`. */
  accessToken: z.string().min(1),
  accountId: z.number().int().positive().default(DEMO_ACCOUNT.id),
  subdomain: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default(DEMO_ACCOUNT.subdomain),
  /** Latency added to every API route, to make caches and coalescing measurable. */
  latencyMs: z.number().int().nonnegative().default(0),
});
export type AmoEmulatorOptions = z.input<typeof AmoEmulatorOptions>;
export type ResolvedOptions = z.output<typeof AmoEmulatorOptions>;

/** Fails at construction with one readable line rather than on the first request. */
export function resolveOptions(opts: AmoEmulatorOptions): ResolvedOptions {
  const result = AmoEmulatorOptions.safeParse(opts);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`amoCRM emulator: invalid options (${issues})`);
  }
  return result.data;
}
