import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExchangeRecord } from '../lib/exchange.js';
import { attributed } from '../lib/exchange.js';

/** Accounts with a label of their own; the rest are summed under account="other". */
export const TOP_ACCOUNTS = 20;
/** Accounts whose counts are held at all (the least active are forgotten first). */
const MAX_TRACKED = 5000;

type Key = `${string}|${string}|${string}`;

/**
 * Per-account series with bounded cardinality: counts are kept per account in memory (bounded), and
 * each scrape labels the TOP_ACCOUNTS busiest accounts and folds the others into "other". So the
 * series count is at most (TOP_ACCOUNTS + 1) x systems x outcomes, whatever the number of accounts.
 */
export function createOperatorMetrics(registry: Registry) {
  const perAccount = new Map<string, Map<Key, number>>();
  const volume = new Map<string, number>();

  const requests = new Counter({
    name: 'erpb_account_requests_total',
    help: 'Requests sent to amoCRM and the ERP and received from amoCRM, per account (top 20 accounts by volume, the rest as account="other"), system and outcome (ok | error)',
    labelNames: ['account', 'system', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      const top = new Set(
        [...volume.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, TOP_ACCOUNTS)
          .map(([a]) => a),
      );
      for (const [account, counts] of perAccount) {
        const label = top.has(account) ? account : 'other';
        for (const [key, n] of counts) {
          const [, system, outcome] = key.split('|') as [string, string, string];
          this.inc({ account: label, system, outcome }, n);
        }
      }
    },
  });

  const journalDropped = new Counter({
    name: 'erpb_journal_dropped_total',
    help: 'Request journal records dropped (buffer full or a failed write)',
    registers: [registry],
  });
  const alertsRaised = new Counter({
    name: 'erpb_alerts_total',
    help: 'Operator alert notices, by rule and kind (raised | repeated | resolved)',
    labelNames: ['rule', 'kind'],
    registers: [registry],
  });
  const alertsOpen = new Gauge({
    name: 'erpb_alerts_open',
    help: 'Operator alerts open after the last evaluation pass, by rule',
    labelNames: ['rule'],
    registers: [registry],
  });

  return {
    requests,
    journalDropped,
    alertsRaised,
    alertsOpen,
    observe(raw: ExchangeRecord) {
      const r = attributed(raw);
      const account = r.accountId === undefined ? 'none' : String(r.accountId);
      let counts = perAccount.get(account);
      if (!counts) {
        if (perAccount.size >= MAX_TRACKED) {
          const quietest = [...volume.entries()].sort((a, b) => a[1] - b[1])[0]?.[0];
          if (quietest !== undefined) {
            perAccount.delete(quietest);
            volume.delete(quietest);
          }
        }
        counts = new Map();
        perAccount.set(account, counts);
      }
      const outcome = r.status === 0 || r.status >= 400 ? 'error' : 'ok';
      const key: Key = `${account}|${r.system}|${outcome}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      volume.set(account, (volume.get(account) ?? 0) + 1);
    },
  };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
