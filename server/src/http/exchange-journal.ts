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
    if (!system || c.req.method === 'OPTIONS') return next();
    const at = Date.now();
    const started = performance.now();
    const lead = LEAD.exec(path);
    const context: ExchangeContext = {
      ...exchangeContext.getStore(), // the answer lane (lib/answer-lane.ts)
      ...(system === 'widget' && { widgetRequestId: randomUUID(), caused: { outgoing: 0 } }),
      ...(lead && { leadId: Number(lead[1]) }),
    };
    let status = 500;
    try {
      await exchangeContext.run(context, next);
      status = c.res.status;
    } finally {
      const accountId = c.get('auth')?.accountId ?? context.accountId;
      const { answering: _lane, caused, ...attribution } = context;
      const record = {
        at,
        direction: 'in' as const,
        system,
        method: c.req.method,
        path: hook ? path.replace(hook[1] ?? '', ':hookKey') : path,
        status,
        latencyMs: performance.now() - started,
        attempt: 1,
        ...attribution,
        ...(caused && { outgoing: caused.outgoing }),
      };
      if (accountId !== undefined || !hook?.[1]) opts.observe({ ...record, accountId });
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
  return async (c, next) => {
    const context = exchangeContext.getStore();
    if (context) context.accountId = c.get('auth').accountId;
    await next();
  };
}
