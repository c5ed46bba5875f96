import { ErpConnectionInput } from '@erp-bridge/shared';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/open.js';
import { erpSettings } from '../db/schema.js';

/** One ERP connection; the zod contract lives in shared/ (the settings page writes it). */
export const ErpConnection = ErpConnectionInput;
export type ErpConnection = z.infer<typeof ErpConnection>;

const SECRET_FIELDS = {
  local: [],
  moysklad: ['token'],
  onec: ['password'],
  rest: ['mapping'],
} as const satisfies Record<ErpConnection['kind'], readonly string[]>;

/** MoySklad's API when a connection names none (the origin its token belongs to). */
const MOYSKLAD_DEFAULT_BASE = 'https://api.moysklad.ru/api/remap/1.2';

/** A stored secret was about to go to an origin other than the one it was saved for. */
export class SecretRequiredError extends Error {
  constructor(readonly field: string) {
    super(`the ${field} must be entered again for a new address`);
    this.name = 'SecretRequiredError';
  }
}

/** Where a connection sends its secrets: scheme, host and port of its ERP address. */
export function connectionOrigin(c: ErpConnection): string | null {
  const originOf = (url: string | undefined) => {
    try {
      return url ? new URL(url).origin : null;
    } catch {
      return null;
    }
  };
  switch (c.kind) {
    case 'moysklad':
      return originOf(c.apiBase ?? MOYSKLAD_DEFAULT_BASE);
    case 'onec':
      return originOf(c.odataUrl);
    // The REST mapping is all secret, address included: kept or replaced as one piece.
    case 'rest':
    case 'local':
      return null;
  }
}

/**
 * The connection a form describes, completed from the stored one of the same kind: fields the
 * form leaves out keep their stored values, but a stored secret is added only while the address
 * stays on the origin it was saved with (else SecretRequiredError: a new host must be given the
 * secret by the person who typed the new address, never ours).
 */
export function completeConnection(stored: ErpConnection, input: ErpConnection): ErpConnection {
  if (stored.kind !== input.kind) return input;
  const named = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const secrets = SECRET_FIELDS[input.kind] as readonly string[];
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (!secrets.includes(k)) merged[k] = v;
  Object.assign(merged, named);
  const sameOrigin = connectionOrigin(merged as ErpConnection) === connectionOrigin(stored);
  for (const k of secrets) {
    if (named[k] !== undefined) continue;
    const kept = (stored as Record<string, unknown>)[k];
    if (kept === undefined || kept === '') continue;
    if (!sameOrigin) throw new SecretRequiredError(k);
    merged[k] = kept;
  }
  return ErpConnection.parse(merged);
}

export interface StoredConnection {
  connection: ErpConnection;
  /** Changes whenever the settings change, so cached connectors are rebuilt. */
  version: string;
  source: 'account' | 'environment';
}

/** What the settings API shows: public fields plus "set" / "not set" for each secret. */
export function publicView(c: ErpConnection) {
  const secrets = SECRET_FIELDS[c.kind] as readonly string[];
  const view: Record<string, unknown> = {};
  const status: Record<string, 'set' | 'not set'> = {};
  for (const [k, v] of Object.entries(c)) {
    if (secrets.includes(k)) status[k] = v ? 'set' : 'not set';
    else view[k] = v;
  }
  for (const k of secrets) status[k] ??= 'not set';
  return { ...view, kind: c.kind, secrets: status };
}

/** The single-account defaults from the environment (ERP_KIND and friends). */
export function connectionFromEnv(config: Config): ErpConnection {
  const e = config.erp;
  switch (e.kind) {
    case 'moysklad':
      return { kind: 'moysklad', apiBase: e.moysklad.apiBase, token: e.moysklad.token };
    case 'onec':
      return {
        kind: 'onec',
        odataUrl: e.onec.odataUrl ?? 'http://1c.invalid/odata/standard.odata',
        user: e.onec.user ?? '',
        password: e.onec.password,
      };
    case 'rest':
      return { kind: 'rest', mapping: e.restMapping };
    default:
      return { kind: 'local', storeId: 'default' };
  }
}

export function createErpSettingsStore(db: Db, box: SecretBox, config: Config) {
  return {
    async get(accountId: number): Promise<StoredConnection> {
      const [row] = await db.select().from(erpSettings).where(eq(erpSettings.accountId, accountId));
      if (!row) return { connection: connectionFromEnv(config), version: 'env', source: 'environment' };
      const secrets = row.secretsEnc ? (JSON.parse(box.open(row.secretsEnc)) as Record<string, unknown>) : {};
      const connection = ErpConnection.parse({ ...JSON.parse(row.publicJson), ...secrets, kind: row.kind });
      return { connection, version: `db:${row.version}`, source: 'account' };
    },

    /**
     * Saves a connection. Fields left out keep their stored values (when the kind is unchanged),
     * so the settings page can save without ever having seen the secret; a secret is kept only
     * for the origin it was saved with (see completeConnection).
     */
    async put(accountId: number, input: ErpConnection): Promise<StoredConnection> {
      const current = await this.get(accountId);
      const secretNames = SECRET_FIELDS[input.kind] as readonly string[];
      const connection = completeConnection(current.connection, input);
      const pub: Record<string, unknown> = {};
      const sec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(connection)) (secretNames.includes(k) ? sec : pub)[k] = v;
      await db
        .insert(erpSettings)
        .values({
          accountId,
          kind: connection.kind,
          publicJson: JSON.stringify(pub),
          secretsEnc: box.seal(JSON.stringify(sec)),
        })
        .onConflictDoUpdate({
          target: erpSettings.accountId,
          set: {
            kind: connection.kind,
            publicJson: JSON.stringify(pub),
            secretsEnc: box.seal(JSON.stringify(sec)),
            version: sql`${erpSettings.version} + 1`,
            updatedAt: new Date(),
          },
        });
      return this.get(accountId);
    },
  };
}

export type ErpSettingsStore = ReturnType<typeof createErpSettingsStore>;
