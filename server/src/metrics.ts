import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createOperatorMetrics } from './journal/metrics.js';

/** Prometheus metrics of one process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'erpb_' });
  const amo = {
    requests: new Counter({
      name: 'erpb_amocrm_requests_total',
      help: 'amoCRM API requests by method and status',
      labelNames: ['method', 'status'],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'erpb_amocrm_retries_total',
      help: 'amoCRM requests retried, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'erpb_amocrm_request_seconds',
      help: 'amoCRM API latency',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    circuitOpen: new Gauge({
      name: 'erpb_amocrm_circuit_open',
      help: '1 while amoCRM blocks the account',
      labelNames: ['account_id'],
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: 'erpb_amocrm_token_refreshes_total',
      help: 'OAuth refresh grants spent',
      registers: [registry],
    }),
  };
  const webhooks = {
    received: new Counter({
      name: 'erpb_webhooks_received_total',
      help: 'webhook events stored, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'erpb_webhook_ack_seconds',
      help: 'time to acknowledge a webhook',
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
  };
  // Per-account series (bounded: top accounts by volume), journal and alert counts.
  const operator = createOperatorMetrics(registry);
  return { registry, amo, webhooks, operator };
}

export type Metrics = ReturnType<typeof createMetrics>;
export type AmoMetrics = Metrics['amo'];
