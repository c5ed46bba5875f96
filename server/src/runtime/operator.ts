import { type AlertEngine, createAlertEngine } from '../alerts/engine.js';
import { createSignals } from '../alerts/signals.js';
import { createAlertStore } from '../alerts/store.js';
import type { AmoClient } from '../amocrm/client.js';
import type { Installation } from '../amocrm/installations.js';
import type { TokenVerdict } from '../amocrm/request.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/open.js';
import { journaled } from '../journal/policy.js';
import { createJournalStore } from '../journal/store.js';
import { createJournalWriter } from '../journal/writer.js';
import type { ExchangeRecord } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/**
 * The operator's tools: the request journal (writer + reader), per-account metrics, and alerts.
 * The engine needs the queue and the amoCRM clients, made later: `startAlerts` binds them.
 */
export function createOperatorServices(deps: {
  database: Database;
  box: SecretBox;
  log: Logger;
  metrics: Metrics;
  journalFlushMs?: number;
}) {
  const db = deps.database.db;
  const writer = createJournalWriter({
    database: deps.database,
    log: deps.log,
    flushMs: deps.journalFlushMs,
  });
  let droppedSeen = 0;
  const signals = createSignals(db);
  const alertStore = createAlertStore(db, deps.box);
  let engine: AlertEngine | undefined;
  let journaling = true;

  return {
    journal: createJournalStore(db),
    journalWriter: writer,
    signals,
    alertStore,
    get alerts(): AlertEngine {
      if (!engine) throw new Error('alerts are not started');
      return engine;
    },
    onExchange(record: ExchangeRecord) {
      if (!journaling) return;
      // Each is O(1) and isolated: an observer's fault must not break the request it observes.
      isolated(() => deps.metrics.operator.observe(record));
      if (!journaled(record)) return;
      isolated(() => writer.observe(record));
      if (writer.dropped !== droppedSeen) {
        deps.metrics.operator.journalDropped.inc(writer.dropped - droppedSeen);
        droppedSeen = writer.dropped;
      }
    },
    /** Switches journaling off and on (the bench measures its cost in one run). */
    setJournaling(on: boolean) {
      journaling = on;
    },
    onJobOutcome(o: { queue: string; data: object; ok: boolean; final: boolean }) {
      engine?.onJobOutcome(o).catch((err: unknown) => deps.log.warn({ err }, 'job alert failed'));
    },
    onTokenVerdict(accountId: number, verdict: TokenVerdict) {
      engine
        ?.onTokenVerdict(accountId, verdict)
        .catch((err: unknown) => deps.log.warn({ err }, 'token alert failed'));
    },
    startAlerts(bind: {
      listActive(): Promise<Installation[]>;
      findActive(accountId: number): Promise<Installation | undefined>;
      clientFor(inst: Installation): AmoClient;
      send(queue: string, data: object, opts: { key: string }): Promise<unknown>;
      fetch?: typeof fetch;
    }) {
      engine = createAlertEngine({
        db,
        store: alertStore,
        signals,
        log: deps.log,
        ...bind,
        onEvent: (e) => deps.metrics.operator.alertsRaised.inc({ rule: e.rule, kind: e.kind }),
        onOpenCounts: (counts) => {
          for (const [rule, n] of counts) deps.metrics.operator.alertsOpen.set({ rule }, n);
        },
      });
      return engine;
    },
  };
}

function isolated(observe: () => void) {
  try {
    observe();
  } catch {
    // Dropped: the request it observes goes on.
  }
}

export type OperatorServices = ReturnType<typeof createOperatorServices>;
