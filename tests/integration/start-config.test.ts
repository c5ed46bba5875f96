import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('pnpm start with a bad configuration', () => {
  it('prints one line naming every bad variable and exits 1', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: 'mysql://db', ERP_KIND: 'sap' },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect('code' in result && result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invalid configuration: .*PORT.*DATABASE_URL.*ERP_KIND/);
  }, 60_000);
});
