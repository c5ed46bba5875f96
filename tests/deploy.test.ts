import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * No Docker engine or systemd runs here, so this checks what can be checked: every way deploy/
 * starts the backend runs exactly the package's production script, in the role it claims.
 * (deploy/nginx.conf is exercised for real by tests/integration/scale-out.test.ts.)
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const production = scripts['start:prod'] ?? '';

/** A command as words, with an absolute path to node reduced to `node` (systemd wants absolute paths). */
const words = (cmd: string) =>
  cmd
    .trim()
    .split(/\s+/)
    .map((w, i) => (i === 0 && /\/node$/.test(w) ? 'node' : w));

function unit(file: string) {
  const text = read(file);
  const exec = /^ExecStart=(.+)$/m.exec(text)?.[1] ?? '';
  const env = Object.fromEntries(
    [...text.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  return { exec, env };
}

/** The `command:` (JSON array form) and ROLE of a service in deploy/docker-compose.yml. */
function composeService(name: string) {
  const text = read('deploy/docker-compose.yml');
  const start = text.search(new RegExp(`^  ${name}:$`, 'm'));
  expect(start, `service ${name}`).toBeGreaterThan(-1);
  const rest = text.slice(start + 1);
  const end = rest.search(/^ {2}\S|^\S/m);
  const block = end === -1 ? rest : rest.slice(0, end);
  const command = /^ {4}command: (\[.*\])$/m.exec(block)?.[1];
  const role = /^ {6}ROLE: (\S+)$/m.exec(block)?.[1];
  return { command: command ? (JSON.parse(command) as string[]) : undefined, role };
}

describe('deploy/ runs the package production scripts', () => {
  it('has a compiled production start: node on the build output, never tsx', () => {
    expect(words(production)).toEqual(['node', 'server/dist/start.js']);
    expect(scripts.build).toBeDefined();
    expect(scripts.start).toContain('server/dist/start.js');
    for (const cmd of [production, scripts.start ?? '']) expect(cmd.split('&&').at(-1)).not.toMatch(/tsx/);
  });

  it('systemd: one unit per role, each running start:prod with its ROLE', () => {
    for (const [file, role] of [
      ['deploy/systemd/erp-bridge-web@.service', 'web'],
      ['deploy/systemd/erp-bridge-worker.service', 'worker'],
    ] as const) {
      const u = unit(file);
      expect(words(u.exec), file).toEqual(words(production));
      expect(u.env.ROLE, file).toBe(role);
      expect(read(file)).toMatch(/^KillSignal=SIGTERM$/m);
    }
  });

  it('Docker: the image builds with pnpm build and runs start:prod; compose runs web, worker and PostgreSQL', () => {
    const dockerfile = read('deploy/Dockerfile');
    expect(dockerfile).toMatch(/^RUN .*pnpm build$/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(cmd && (JSON.parse(cmd) as string[])).toEqual(words(production));
    for (const [service, role] of [
      ['web', 'web'],
      ['worker', 'worker'],
    ] as const) {
      const s = composeService(service);
      expect(s.command, service).toEqual(words(production));
      expect(s.role, service).toBe(role);
    }
    expect(read('deploy/docker-compose.yml')).toMatch(/^ {2}postgres:\n {4}image: postgres:\d+/m);
  });
});
