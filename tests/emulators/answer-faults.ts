/** Which requests a fault applies to. */
export interface AnswerFaultMatch {
  method?: string;
  pathIncludes?: string;
}

type Fetch = (req: Request) => Response | Promise<Response>;

/**
 * Faults between the client and an ERP that did its work (issue 15's "lost answer" and
 * "duplicate"), applied around the emulator's whole fetch handler so the ERP's own logic runs
 * exactly as for a normal request:
 * - a lost answer: the request is carried out, then the client gets the proxy's 502 instead of the
 *   answer (a connection dropped after the ERP committed);
 * - a duplicate: the request reaches the ERP twice (a proxy or a client library replaying it) and
 *   the client sees the second answer.
 */
export class AnswerFaults {
  #lost: AnswerFaultMatch[] = [];
  #duplicated: AnswerFaultMatch[] = [];

  loseNextAnswer(n: number, match: AnswerFaultMatch = {}): void {
    for (let i = 0; i < n; i++) this.#lost.push(match);
  }

  duplicateNext(n: number, match: AnswerFaultMatch = {}): void {
    for (let i = 0; i < n; i++) this.#duplicated.push(match);
  }

  reset(): void {
    this.#lost = [];
    this.#duplicated = [];
  }

  /** `lostAnswer` is what the client sees instead (the vendor's proxy error page). */
  wrap(fetch: Fetch, lostAnswer: () => Response): Fetch {
    return async (req) => {
      const path = new URL(req.url).pathname;
      const take = (list: AnswerFaultMatch[]) => {
        const i = list.findIndex(
          (m) => (!m.method || m.method === req.method) && (!m.pathIncludes || path.includes(m.pathIncludes)),
        );
        return i >= 0 && list.splice(i, 1).length > 0;
      };
      if (take(this.#duplicated)) {
        const first = await fetch(req.clone());
        await first.arrayBuffer();
      }
      const lose = take(this.#lost);
      const res = await fetch(req);
      if (!lose) return res;
      await res.arrayBuffer();
      return lostAnswer();
    };
  }
}

/** What nginx in front of an ERP answers when the upstream connection broke. */
export const nginxBadGateway = () =>
  new Response(
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    { status: 502, headers: { 'Content-Type': 'text/html' } },
  );
