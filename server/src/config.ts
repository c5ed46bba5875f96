import { z } from 'zod';

const ErpKind = z.enum(['local', 'moysklad', 'onec', 'rest']);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8787'),
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
        .optional(),
    ),
    ENCRYPTION_KEY: optionalString,
    AMO_CLIENT_ID: optionalString,
    AMO_CLIENT_SECRET: optionalString,
    AMO_REDIRECT_URI: optionalString.pipe(z.url().optional()),
    AMO_API_BASE: optionalString.pipe(z.url().optional()),
    AMO_LONG_LIVED_TOKEN: optionalString,
    AMO_SUBDOMAIN: optionalString,
    AMO_SKU_FIELD_CODE: z.string().default('SKU'),
    /** amoCRM allows 7 requests/second per integration; lower it to leave room for other tools. */
    AMO_RATE_LIMIT: z.coerce.number().positive().max(50).default(7),
    /** Comma-separated previous ENCRYPTION_KEYs, still accepted for reading during a rotation. */
    ENCRYPTION_KEY_PREVIOUS: optionalString,
    ERP_KIND: ErpKind.default('local'),
    LOCAL_STOCK_CSV: optionalString,
    MOYSKLAD_TOKEN: optionalString,
    MOYSKLAD_API_BASE: optionalString.pipe(z.url().optional()),
    ONEC_ODATA_URL: optionalString.pipe(z.url().optional()),
    ONEC_USER: optionalString,
    ONEC_PASSWORD: optionalString,
    REST_MAPPING: optionalString,
    /** Extra origins allowed by CORS besides amoCRM/Kommo accounts (the sandbox in demo mode). */
    CORS_EXTRA_ORIGINS: optionalString,
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** web: HTTP (widgets, webhooks, OAuth) and enqueueing; worker: the queue and schedules; all: both. */
    ROLE: z.enum(['all', 'web', 'worker']).default('all'),
    /** On SIGTERM: how long in-flight requests and jobs may take to finish before the process exits. */
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(300).default(10),
    /** Bearer token for /metrics and the detail of /readyz (unset: /readyz shows its status only). */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** Days processed webhook events and their bodies are kept before the purge removes them. */
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  })
  .superRefine((env, ctx) => {
    if (env.AMO_CLIENT_ID && !env.AMO_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AMO_CLIENT_SECRET'],
        message: 'is required when AMO_CLIENT_ID is set',
      });
    }
    if (env.AMO_LONG_LIVED_TOKEN && !env.AMO_SUBDOMAIN && !env.AMO_API_BASE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AMO_SUBDOMAIN'],
        message: 'is required with AMO_LONG_LIVED_TOKEN',
      });
    }
    if (env.AMO_CLIENT_ID && !env.ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'is required outside demo mode' });
    }
    if (env.ROLE !== 'all' && !env.DATABASE_URL) {
      // The embedded database lives in one process: a web without its worker would never run a job.
      ctx.addIssue({
        code: 'custom',
        path: ['ROLE'],
        message: `${env.ROLE} requires DATABASE_URL (PostgreSQL)`,
      });
    }
    if (env.ENCRYPTION_KEY && Buffer.from(env.ENCRYPTION_KEY, 'base64').length !== 32) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'must be 32 bytes, base64-encoded' });
    }
  });

/** Secret the sandbox signs disposable tokens with when no real client secret is configured. */
export const DEMO_CLIENT_SECRET = 'erp-bridge-demo-client-secret-not-for-production';

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof EnvSchema>) {
  const demo = env.AMO_CLIENT_ID === undefined;
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl: new URL(env.PUBLIC_URL),
    /** `aud` of disposable tokens: amoCRM puts the origin of the integration's redirect URI there. */
    audience: new URL(env.PUBLIC_URL).origin,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    encryptionKey: env.ENCRYPTION_KEY,
    previousEncryptionKeys: (env.ENCRYPTION_KEY_PREVIOUS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    demo,
    amo: {
      clientId: env.AMO_CLIENT_ID,
      clientSecret: env.AMO_CLIENT_SECRET ?? DEMO_CLIENT_SECRET,
      redirectUri: env.AMO_REDIRECT_URI,
      apiBase: env.AMO_API_BASE,
      longLivedToken: env.AMO_LONG_LIVED_TOKEN,
      subdomain: env.AMO_SUBDOMAIN,
      skuFieldCode: env.AMO_SKU_FIELD_CODE,
      requestsPerSecond: env.AMO_RATE_LIMIT,
    },
    erp: {
      kind: env.ERP_KIND,
      localStockCsv: env.LOCAL_STOCK_CSV,
      moysklad: { token: env.MOYSKLAD_TOKEN, apiBase: env.MOYSKLAD_API_BASE },
      onec: { odataUrl: env.ONEC_ODATA_URL, user: env.ONEC_USER, password: env.ONEC_PASSWORD },
      restMapping: env.REST_MAPPING,
    },
    corsExtraOrigins: (env.CORS_EXTRA_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => new URL(s).origin),
    logLevel: env.LOG_LEVEL,
    role: env.ROLE,
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    metricsToken: env.METRICS_TOKEN,
    retentionDays: env.RETENTION_DAYS,
  };
}

export class ConfigError extends Error {}

/** Parses the environment; a bad value yields one line naming every offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'env'} ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return toConfig(parsed.data);
}
