import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('pnpm stock:import', () => {
  it('imports good rows, reports rejected ones by line, and exits non-zero when any were rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erpb-import-'));
    const csv = join(dir, 'stock.csv');
    writeFileSync(
      csv,
      'sku,name,warehouse_id,warehouse_name,stock,reserve,price,currency\nA-1,Item,msk,Москва,10,1,100,RUB\nB-2,Bad,msk,Москва,many,0,1,RUB\nC-3,Also good,spb,СПб,"2,5",0,,RUB\n',
    );
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/stock-import.ts', csv], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('imported 2/2 rows');
    expect(result.stdout).toMatch(/2 rows: 2 SKUs in 2 warehouses/);
    expect(result.stdout).toMatch(/line 3: .*stock.*not a number/);
  }, 60_000);

  it('prints one clear line for a missing file argument', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/stock-import.ts'], {
      env: process.env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in result && result.code).toBe(2);
    expect(result.stderr).toContain('usage: pnpm stock:import <file.csv>');
  }, 60_000);
});
