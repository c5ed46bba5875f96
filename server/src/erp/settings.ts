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
     * Saves a connection. A secret left out keeps its stored value (when the kind is unchanged),
     * so the settings page can save without ever having seen the secret.
     */
    async put(accountId: number, input: ErpConnection): Promise<StoredConnection> {
      const current = await this.get(accountId);
      const secretNames = SECRET_FIELDS[input.kind] as readonly string[];
      const merged: Record<string, unknown> = { ...input };
      if (current.connection.kind === input.kind) {
        for (const k of secretNames) {
          if (merged[k] === undefined) merged[k] = (current.connection as Record<string, unknown>)[k];
        }
      }
      const connection = ErpConnection.parse(merged);
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
