import { readFileSync } from 'node:fs';
import { createMetrics } from '@erp-bridge/server';
import { describe, expect, it } from 'vitest';

/**
 * deploy/prometheus/alerts.yml and deploy/grafana/erp-bridge.json are built on exactly the series
 * /metrics exposes: every erpb_* name they use must be in a scrape, with HELP text.
 */
const files = ['deploy/prometheus/alerts.yml', 'deploy/grafana/erp-bridge.json'];
const HISTOGRAM_PARTS = /_(bucket|sum|count)$/;

async function scrape(): Promise<string> {
  const metrics = createMetrics();
  // One record so the per-account family has a sample (the family and its HELP exist regardless).
  metrics.operator.observe({
    at: Date.now(),
    direction: 'out',
    system: 'erp',
    accountId: 1,
    method: 'GET',
    path: '/',
    status: 200,
    latencyMs: 1,
    attempt: 1,
  });
  return metrics.registry.metrics();
}

describe('operator dashboards and alert rules', () => {
  it('name only series that /metrics exposes, each with HELP text', async () => {
    const text = await scrape();
    const helped = new Set([...text.matchAll(/^# HELP (\S+) \S/gm)].map((m) => m[1]));
    for (const file of files) {
      const names = new Set([...readFileSync(file, 'utf8').matchAll(/\berpb_[a-z0-9_]+/g)].map((m) => m[0]));
      expect(names.size, file).toBeGreaterThan(3);
      for (const name of names) {
        const family = helped.has(name) ? name : name.replace(HISTOGRAM_PARTS, '');
        expect(helped.has(family), `${file}: ${name}`).toBe(true);
      }
    }
  });

  it('keep per-account series bounded: the top 20 accounts by volume, the rest as "other"', async () => {
    const metrics = createMetrics();
    for (let account = 1; account <= 500; account++)
      for (let i = 0; i < (account <= 20 ? 100 : 1); i++)
        metrics.operator.observe({
          at: 0,
          direction: 'out',
          system: 'amocrm',
          accountId: account,
          method: 'GET',
          path: '/',
          status: 200,
          latencyMs: 1,
          attempt: 1,
        });
    const text = await metrics.registry.metrics();
    const accounts = new Set(
      [...text.matchAll(/^erpb_account_requests_total\{account="([^"]+)"/gm)].map((m) => m[1]),
    );
    expect(accounts.size).toBe(21);
    expect(accounts.has('other')).toBe(true);
    expect(accounts.has('7')).toBe(true);
    expect(text).toMatch(/erpb_account_requests_total\{account="other",system="amocrm",outcome="ok"\} 480/);
  });
});
