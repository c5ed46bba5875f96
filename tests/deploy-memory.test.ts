import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webNodeOptions } from '../scripts/bench/lib/deploy-flags.js';

/**
 * A web instance's V8 heap sizing (docs/memory.md) is shipped through NODE_OPTIONS, never as
 * extra words of the command (tests/deploy.test.ts keeps the commands equal to start:prod); both
 * ways deploy/ starts a web instance must carry the same flags, the ones `pnpm bench memory` measures.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const compose = readFileSync(join(ROOT, 'deploy/docker-compose.yml'), 'utf8');

describe('deploy/ sizes the web instance heap', () => {
  it('caps the old generation and the young generation of a web instance', () => {
    const flags = webNodeOptions();
    expect(flags).toMatch(/--max-old-space-size=\d+/);
    expect(flags).toMatch(/--max-semi-space-size=\d+/);
    // Below the unit's MemoryMax, with room for what lives outside the V8 heap (~60 MB).
    expect(Number(/--max-old-space-size=(\d+)/.exec(flags)?.[1])).toBeLessThanOrEqual(256);
  });

  it('runs the compose web service with the same NODE_OPTIONS as the systemd web unit', () => {
    const web = compose.slice(compose.search(/^ {2}web:$/m));
    const block = web.slice(0, web.slice(1).search(/^ {2}\S/m) + 1);
    expect(/^ {6}NODE_OPTIONS: "([^"]*)"$/m.exec(block)?.[1]).toBe(webNodeOptions());
    // The worker keeps node's defaults: its jobs may hold larger batches.
    const worker = compose.slice(compose.search(/^ {2}worker:$/m), compose.search(/^ {2}web:$/m));
    expect(worker).not.toMatch(/NODE_OPTIONS/);
  });
});
