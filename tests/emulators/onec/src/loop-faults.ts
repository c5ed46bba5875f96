import type { MiddlewareHandler } from 'hono';
import type { FaultTarget } from './faults.js';

interface Rule {
  remaining: number;
  match: (req: FaultTarget) => boolean;
}

/**
 * Faults of the path between the client and 1C that a write must survive. 1C's standard interface
 * has no idempotency key (platform docs, "Стандартный интерфейс OData":
 * https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358 documents none), so both leave the
 * client to find out what was written:
 * - a lost answer: 1C wrote the object, then the web server in front of it answered 502;
 * - a duplicate: a balancer retried the POST, so 1C created the document twice.
 */
export function createLoopFaults() {
  let lost: Rule[] = [];
  let duplicated: Rule[] = [];
  const take = (rules: Rule[], req: FaultTarget) => {
    const rule = rules.find((r) => r.remaining > 0 && r.match(req));
    if (rule) rule.remaining--;
    return Boolean(rule);
  };
  return {
    loseNextAnswer(n: number, match: (req: FaultTarget) => boolean = () => true): void {
      lost.push({ remaining: n, match });
    },
    duplicateNextCreate(n: number, match: (req: FaultTarget) => boolean = () => true): void {
      duplicated.push({ remaining: n, match });
    },
    /** Whether this create runs twice (consumes the rule). */
    duplicates: (req: FaultTarget) => take(duplicated, req),
    /** Runs the request, then throws its answer away when a rule says so. */
    middleware(resourceOf: (url: URL) => string): MiddlewareHandler {
      return async (c, next) => {
        await next();
        const req = { method: c.req.method, resource: resourceOf(new URL(c.req.url)) };
        if (c.res.status < 400 && take(lost, req)) {
          c.res = new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
            status: 502,
            headers: { 'Content-Type': 'text/html' },
          });
        }
      };
    },
    reset(): void {
      lost = [];
      duplicated = [];
    },
  };
}

export type OneCLoopFaults = ReturnType<typeof createLoopFaults>;
