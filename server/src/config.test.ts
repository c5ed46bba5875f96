import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CLIENT_SECRET, loadConfig } from './config.js';

describe('configuration', () => {
  it('starts in demo mode with defaults', () => {
    const c = loadConfig({});
    expect(c.demo).toBe(true);
    expect(c.port).toBe(8787);
    expect(c.audience).toBe('http://localhost:8787');
    expect(c.amo.clientSecret).toBe(DEMO_CLIENT_SECRET);
    expect(c.erp.kind).toBe('local');
  });

  it('uses the origin of PUBLIC_URL as the token audience', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://erp.example.com/base/' }).audience).toBe(
      'https://erp.example.com',
    );
  });

  it('reports every bad variable in one line', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', ERP_KIND: 'sap' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(/PORT/);
    expect(msg).toMatch(/DATABASE_URL/);
    expect(msg).toMatch(/ERP_KIND/);
  });

  it('requires a secret and an encryption key outside demo mode', () => {
    expect(() => loadConfig({ AMO_CLIENT_ID: 'id' })).toThrow(
      /AMO_CLIENT_SECRET.*ENCRYPTION_KEY|ENCRYPTION_KEY.*AMO_CLIENT_SECRET/,
    );
    expect(() =>
      loadConfig({ AMO_CLIENT_ID: 'id', AMO_CLIENT_SECRET: 's', ENCRYPTION_KEY: 'c2hvcnQ=' }),
    ).toThrow(/32 bytes/);
    const ok = loadConfig({
      AMO_CLIENT_ID: 'id',
      AMO_CLIENT_SECRET: 's',
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(ok.demo).toBe(false);
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', AMO_CLIENT_ID: '' }).databaseUrl).toBeUndefined();
  });

  it('runs both roles by default; web or worker alone needs PostgreSQL; an unknown role is refused', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ ROLE: 'web', DATABASE_URL: 'postgres://x/y' }).role).toBe('web');
    expect(loadConfig({ ROLE: 'worker', DATABASE_URL: 'postgres://x/y' }).role).toBe('worker');
    expect(() => loadConfig({ ROLE: 'web' })).toThrow(/ROLE web requires DATABASE_URL/);
    expect(() => loadConfig({ ROLE: 'both', DATABASE_URL: 'postgres://x/y' })).toThrow(/ROLE/);
    expect(loadConfig({ SHUTDOWN_GRACE_SECONDS: '3' }).shutdownGraceMs).toBe(3000);
  });
});
