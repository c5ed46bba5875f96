import { describe, expect, it } from 'vitest';
import { bakedBackendOrigin, isLocalUrl, normalizeBackendUrl, resolveBackend } from './backend-url.js';

describe('normalizeBackendUrl', () => {
  it('trims and drops trailing slashes', () => {
    expect(normalizeBackendUrl('  https://erp.example.com///  ')).toBe('https://erp.example.com');
  });
  it('adds https:// to a bare host an admin typed', () => {
    expect(normalizeBackendUrl('erp.example.com/bridge/')).toBe('https://erp.example.com/bridge');
  });
  it('keeps http:// as typed', () => {
    expect(normalizeBackendUrl('http://10.0.0.5:8787')).toBe('http://10.0.0.5:8787');
  });
  it('treats empty, blank and non-strings as unset', () => {
    expect(normalizeBackendUrl('')).toBe('');
    expect(normalizeBackendUrl('   ')).toBe('');
    expect(normalizeBackendUrl(undefined)).toBe('');
    expect(normalizeBackendUrl(42)).toBe('');
  });
});

describe('isLocalUrl', () => {
  it.each([
    'http://localhost:8787',
    'http://127.0.0.1:8787',
    'http://127.1.2.3',
    'http://0.0.0.0:80',
    'http://[::1]:8787',
  ])('%s is local', (url) => {
    expect(isLocalUrl(url)).toBe(true);
  });
  it.each(['https://erp.example.com', 'https://localhost.example.com', 'not a url'])(
    '%s is not local',
    (url) => {
      expect(isLocalUrl(url)).toBe(false);
    },
  );
});

describe('bakedBackendOrigin', () => {
  it('bakes a public PUBLIC_URL without trailing slash, query or hash', () => {
    expect(bakedBackendOrigin('https://bridge.example.com/')).toBe('https://bridge.example.com');
    expect(bakedBackendOrigin('https://example.com/erp/?x=1#y')).toBe('https://example.com/erp');
  });
  it('bakes nothing for an unset or local PUBLIC_URL', () => {
    expect(bakedBackendOrigin(undefined)).toBe('');
    expect(bakedBackendOrigin('')).toBe('');
    expect(bakedBackendOrigin('http://localhost:8787')).toBe('');
    expect(bakedBackendOrigin('http://127.0.0.1:8787/')).toBe('');
  });
});

describe('resolveBackend', () => {
  it('prefers the backend_url setting over the baked origin', () => {
    expect(resolveBackend(' https://self-hosted.example/ ', 'https://baked.example')).toBe(
      'https://self-hosted.example',
    );
  });
  it('falls back to the baked origin when the setting is blank', () => {
    expect(resolveBackend('', 'https://baked.example')).toBe('https://baked.example');
    expect(resolveBackend(undefined, 'https://baked.example')).toBe('https://baked.example');
  });
  it('is empty (not configured) when neither is set', () => {
    expect(resolveBackend('  ', '')).toBe('');
  });
  it('accepts a local setting at runtime (sandbox, development)', () => {
    expect(resolveBackend('http://127.0.0.1:8787/', '')).toBe('http://127.0.0.1:8787');
  });
});
