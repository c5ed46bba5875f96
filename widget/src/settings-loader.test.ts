import { afterEach, describe, expect, it } from 'vitest';
import { loadSettingsChunk, type SettingsChunk } from './settings-loader.js';

const g = globalThis as { require?: unknown };
afterEach(() => {
  delete g.require;
});

describe('loadSettingsChunk: the settings page through the host RequireJS', () => {
  it('asks RequireJS for <path>/settings.js?v=<version>, asks again after a failed load, then keeps the module', async () => {
    const asked: string[] = [];
    const chunk: SettingsChunk = { mountSettings: () => () => {} };
    let fail = true;
    g.require = (deps: string[], ok: (m: SettingsChunk) => void, bad: (e: unknown) => void) => {
      asked.push(...deps);
      if (fail) bad(new Error('script error'));
      else ok(chunk);
    };
    await expect(loadSettingsChunk('/upl/erp_bridge/widget/', '1.2.0')).rejects.toThrow('script error');
    fail = false;
    expect(await loadSettingsChunk('/upl/erp_bridge/widget/', '1.2.0')).toBe(chunk);
    expect(await loadSettingsChunk('/upl/erp_bridge/widget/', '1.2.0')).toBe(chunk);
    expect(asked).toEqual([
      '/upl/erp_bridge/widget/settings.js?v=1.2.0',
      '/upl/erp_bridge/widget/settings.js?v=1.2.0',
    ]);
  });
});
