import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createSecretBox, generateKeyBase64 } from '../crypto/secret-box.js';
import type { Database } from '../db/open.js';
import { erpSettings } from '../db/schema.js';
import { testBackends } from '../db/test-databases.js';
import { createErpSettingsStore, publicView, SecretRequiredError } from './settings.js';

describe.each(testBackends)('per-account ERP settings on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  const config = loadConfig({ ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: 'env-token' });

  it('falls back to the environment defaults for an account without settings', async () => {
    const store = createErpSettingsStore(database.db, createSecretBox(generateKeyBase64()), config);
    const got = await store.get(1);
    expect(got.source).toBe('environment');
    expect(got.connection).toEqual({ kind: 'moysklad', apiBase: undefined, token: 'env-token' });
  });

  it('stores secrets sealed, shows only set / not set, and keeps a secret the caller left out', async () => {
    const store = createErpSettingsStore(database.db, createSecretBox(generateKeyBase64()), config);
    await store.put(2, {
      kind: 'moysklad',
      token: 'secret-token-123',
      apiBase: 'https://api.moysklad.ru/api/remap/1.2',
    });
    const [row] = await database.db.select().from(erpSettings);
    expect(JSON.stringify(row)).not.toContain('secret-token-123');

    // Another path on the same origin keeps the token; another origin must be given it again.
    const kept = await store.put(2, { kind: 'moysklad', apiBase: 'https://api.moysklad.ru/api/remap/1.3' });
    expect(kept.connection).toMatchObject({
      token: 'secret-token-123',
      apiBase: 'https://api.moysklad.ru/api/remap/1.3',
    });
    await expect(store.put(2, { kind: 'moysklad', apiBase: 'https://other.example/api' })).rejects.toThrow(
      SecretRequiredError,
    );
    const view = publicView(kept.connection);
    expect(JSON.stringify(view)).not.toContain('secret-token-123');
    expect(view).toEqual({
      kind: 'moysklad',
      apiBase: 'https://api.moysklad.ru/api/remap/1.3',
      secrets: { token: 'set' },
    });

    const changed = await store.put(2, {
      kind: 'onec',
      odataUrl: 'https://1c.example/odata/standard.odata',
      user: 'svc',
    });
    expect(publicView(changed.connection)).toMatchObject({
      kind: 'onec',
      user: 'svc',
      secrets: { password: 'not set' },
    });
    expect(changed.version).not.toBe(kept.version);
  });
});
