import type { Context, MiddlewareHandler } from 'hono';

/** What a fault is matched against: the request's method and its path as it came (percent-encoded). */
export interface AnswerTarget {
  method: string;
  path: string;
}

/** Requests by method (e.g. POST) and a piece of the path (e.g. /entity/customerorder). */
export interface PathMatch {
  method?: string;
  pathIncludes?: string;
}

/** Which requests a fault takes: by method and path, or by any predicate. */
export type AnswerFaultMatch<T extends AnswerTarget = AnswerTarget> = PathMatch | ((req: T) => boolean);

export function matches<T extends AnswerTarget>(match: AnswerFaultMatch<T>, req: T): boolean {
  if (typeof match === 'function') return match(req);
  return (
    (!match.method || match.method === req.method) &&
    (!match.pathIncludes || req.path.includes(match.pathIncludes))
  );
}

type Kind = 'lose' | 'duplicate' | 'hold';

interface Rule<T extends AnswerTarget> {
  kind: Kind;
  remaining: number;
  match: AnswerFaultMatch<T>;
}

/** How an emulator plugs the faults in: what stands in front of its ERP, and how to reach it again. */
export type AnswerFaultWiring<T extends AnswerTarget> = {
  /** What the client gets instead of a lost answer: the error page of what stands in front of the ERP. */
  lostAnswer(c: Context): Response;
  /** Sends a copy through the whole app again (a duplicate's first delivery): `(req) => app.fetch(req)`. */
  replay(req: Request): Response | Promise<Response>;
} & (AnswerTarget extends T
  ? { targetOf?: (c: Context) => T }
  : { /** The request as this emulator's matchers see it. */ targetOf: (c: Context) => T });

/**
 * Faults between the client and an ERP that did its work (issue 15's "lost answer" and
 * "duplicate"), one middleware for every emulator, so the ERP's own logic runs exactly as for a
 * normal request:
 * - a lost answer: the request is carried out, then the client gets the error page of what stands
 *   in front of the ERP instead of the answer (a connection dropped after the ERP committed);
 * - a duplicate: the request reaches the ERP twice (a proxy or a client library replaying it) and
 *   the client sees the second answer;
 * - a held answer: the request is carried out and its answer waits until releaseHeldAnswers(), the
 *   moment between the ERP's commit and its answer reaching the client, when the client may die
 *   (crash tests kill -9 it there).
 * Lost and held answers take only answers to work done (below 400): a refused request keeps its
 * answer, and the fault waits for the next matching one.
 */
export class AnswerFaults<T extends AnswerTarget = AnswerTarget> {
  #rules: Rule<T>[] = [];
  readonly #holding: (() => void)[] = [];
  /** Copies sent by a duplicate: they pass every fault, else a duplicate would duplicate itself. */
  readonly #replays = new WeakSet<Request>();

  /** The next `n` matching requests are carried out, and the client gets the lost-answer page. */
  loseNextAnswer(n: number, match: AnswerFaultMatch<T> = {}): void {
    this.#add('lose', n, match);
  }

  /** The next `n` matching requests reach the ERP twice; the client sees the second answer. */
  duplicateNext(n: number, match: AnswerFaultMatch<T> = {}): void {
    this.#add('duplicate', n, match);
  }

  /** The next `n` matching requests are carried out, and their answers wait for releaseHeldAnswers(). */
  holdNextAnswer(n: number, match: AnswerFaultMatch<T> = {}): void {
    this.#add('hold', n, match);
  }

  /** Requests carried out whose answer is being held. */
  get heldCount(): number {
    return this.#holding.length;
  }

  releaseHeldAnswers(): void {
    for (const release of this.#holding.splice(0)) release();
  }

  /** Drops every pending fault and lets every held answer go. */
  reset(): void {
    this.#rules = [];
    this.releaseHeldAnswers();
  }

  middleware(wiring: AnswerFaultWiring<T>): MiddlewareHandler {
    const targetOf =
      wiring.targetOf ?? ((c: Context) => ({ method: c.req.method, path: new URL(c.req.url).pathname }) as T);
    return async (c, next) => {
      if (this.#replays.has(c.req.raw)) return next();
      const req = targetOf(c);
      if (this.#take('duplicate', req)) {
        const copy = c.req.raw.clone();
        this.#replays.add(copy);
        await (await wiring.replay(copy)).arrayBuffer();
      }
      await next();
      if (c.res.status >= 400) return;
      if (this.#take('hold', req)) await new Promise<void>((resolve) => this.#holding.push(resolve));
      if (!this.#take('lose', req)) return;
      // Dropped first, so the page carries none of the answer's headers (c.res would merge them).
      c.res = undefined;
      c.res = wiring.lostAnswer(c);
    };
  }

  #add(kind: Kind, n: number, match: AnswerFaultMatch<T>): void {
    if (n > 0) this.#rules.push({ kind, remaining: n, match });
  }

  #take(kind: Kind, req: T): boolean {
    const rule = this.#rules.find((r) => r.kind === kind && matches(r.match, req));
    if (!rule) return false;
    if (--rule.remaining === 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    return true;
  }
}

/** What nginx in front of an ERP answers when the upstream connection broke. */
export const nginxBadGateway = () =>
  new Response(
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    { status: 502, headers: { 'Content-Type': 'text/html' } },
  );
