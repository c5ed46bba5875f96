import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './child.js';

/**
 * The NODE_OPTIONS a deployed web instance runs with, as deploy/systemd/erp-bridge-web@.service
 * sets them (deploy/docker-compose.yml's web service carries the same: tests/deploy-memory.test.ts).
 * The command stays package.json's "start:prod"; V8's heap sizing goes through the environment.
 */
export function webNodeOptions(): string {
  const unit = readFileSync(join(REPO, 'deploy/systemd/erp-bridge-web@.service'), 'utf8');
  return /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit)?.[1]?.trim() ?? '';
}
