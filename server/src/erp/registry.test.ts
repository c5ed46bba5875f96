import { describe, expect, it } from 'vitest';
import type { Db } from '../db/open.js';
import { createErpRegistry } from './registry.js';
import type { ErpSettingsStore, StoredConnection } from './settings.js';

/** A settings store that counts its reads; `version` changes what the next read returns. */
function countingSettings() {
  const state = { reads: 0, version: 'db:1' };
  const store = {
    async get(): Promise<StoredConnection> {
      state.reads++;
      await new Promise((r) => setTimeout(r, 5)); // a database round trip
      return { connection: { kind: 'local' } as never, version: state.version, source: 'account' };
    },
  } as unknown as ErpSettingsStore;
  return { state, store };
}

describe('ERP registry', () => {
  it('reads the settings once for a burst of card requests, and keeps one connector', async () => {
    const { state, store } = countingSettings();
    const registry = createErpRegistry({ db: {} as Db, settings: store, settingsTtlMs: 5000 });
    const erps = await Promise.all(Array.from({ length: 64 }, () => registry.forAccount(7)));
    expect(state.reads).toBe(1);
    expect(new Set(erps).size).toBe(1);
  });

  it('looks again after the TTL and rebuilds only when the version changed; invalidate forces a read', async () => {
    const { state, store } = countingSettings();
    const registry = createErpRegistry({ db: {} as Db, settings: store, settingsTtlMs: 20 });
    const first = await registry.forAccount(7);
    await new Promise((r) => setTimeout(r, 30));
    expect(await registry.forAccount(7)).toBe(first);
    expect(state.reads).toBe(2);
    state.version = 'db:2';
    await new Promise((r) => setTimeout(r, 30));
    const second = await registry.forAccount(7);
    expect(second).not.toBe(first);
    registry.invalidate(7);
    await registry.forAccount(7);
    expect(state.reads).toBe(4);
  });
});
