import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AuthVariables } from '../amocrm/disposable-token/index.js';
import {
  type ExchangeContext,
  type ExchangeObserver,
  type ExchangeRecord,
  exchangeContext,
} from '../lib/exchange.js';

export interface IncomingJournalOptions {
  observe: ExchangeObserver;
  /** The account a hook key belongs to (the installations' cached lookup); undefined if none. */
  accountOfHookKey(hookKey: string): Promise<number | undefined>;
}

const HOOK = /^\/webhooks\/amocrm\/([^/]+)/;
const DP_KEYED = /^\/webhooks\/dp\/([^/]+)/;
const LEAD = /^\/api\/v1\/leads\/(\d{1,15})(\/|$)/;

/**
 * Reports every incoming webhook, Digital Pipeline and widget call (the journal's policy decides
 * which it keeps: journal/policy.ts), and gives widget calls an exchange context so the amoCRM /
 * ERP calls they cause are attributed and counted.
 * The hook key in a webhook's URL is a secret: the journal gets the route template instead.
 */
export function incomingJournal(
  opts: IncomingJournalOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const path = c.req.path;
    const hook = HOOK.exec(path) ?? DP_KEYED.exec(path);
    const system: ExchangeRecord['system'] | undefined = path.startsWith('/webhooks/amocrm/')
      ? 'webhook'
      : path.startsWith('/webhooks/dp')
        ? 'dp'
        : path.startsWith('/api/v1/')
          ? 'widget'
          : undefined;
    const method = c.req.method;
    if (!system || method === 'OPTIONS') return next();
    const at = Date.now();
    const started = performance.now();
    const lead = LEAD.exec(path);
    // Built field by field, not spread: this runs on every widget call (spreads and object rest
    // were half of this middleware's ~8 µs a request).
    const outer = exchangeContext.getStore(); // the answer lane (lib/answer-lane.ts)
    const context: ExchangeContext = {
      answering: outer?.answering,
      accountId: outer?.accountId,
      jobId: outer?.jobId,
      widgetRequestId: system === 'widget' ? randomUUID() : outer?.widgetRequestId,
      leadId: lead ? Number(lead[1]) : outer?.leadId,
      caused: system === 'widget' ? { outgoing: 0 } : outer?.caused,
    };
    let status = 500;
    try {
      await exchangeContext.run(context, next);
      status = c.res.status;
    } finally {
      const record: ExchangeRecord = {
        at,
        direction: 'in',
        system,
        method,
        path: hook ? path.replace(hook[1] ?? '', ':hookKey') : path,
        status,
        latencyMs: performance.now() - started,
        attempt: 1,
        accountId: c.get('auth')?.accountId ?? context.accountId,
        jobId: context.jobId,
        widgetRequestId: context.widgetRequestId,
        leadId: context.leadId,
        outgoing: context.caused?.outgoing,
      };
      if (record.accountId !== undefined || !hook?.[1]) opts.observe(record);
      // After the route, the lookup is a cache hit; it never holds the answer back.
      else
        void opts
          .accountOfHookKey(hook[1])
          .then((id) => opts.observe({ ...record, accountId: id }))
          .catch(() => opts.observe(record));
    }
  };
}

/** After disposableTokenAuth: the widget call's context learns its account. */
export function attributeWidgetCall(): MiddlewareHandler<{ Variables: AuthVariables }> {
  return (c, next) => {
    const context = exchangeContext.getStore();
    if (context) context.accountId = c.get('auth').accountId;
    return next();
  };
}
