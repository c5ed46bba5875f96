import { randomUUID } from 'node:crypto';
import type { EmulatorState } from './state.js';
import { moscowTime } from './wire.js';

/**
 * MoySklad's entity webhooks, as the webhook page of the 1.2 documentation shows them
 * (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki, "Пример вебхука";
 * github.com/moysklad/api-remap-1.2-doc, source/includes/dictionaries/_webhook.md): POST to the
 * URL with `?requestId=<uuid>` (the same id on every retry of one notification), body
 * `{auditContext: {meta: {type: "audit", href}, moment, uid}, events: [{meta: {type, href},
 * updatedFields?, action, accountId}]}`. `updatedFields` only for UPDATE on a webhook made with
 * diffType=FIELDS. The notification carries only a link: the receiver reads the entity itself.
 *
 * Faults, as a real network delivers them: lost (never sent), duplicated (sent twice) and held
 * back (sent later, after newer ones: out of order).
 */
export class WebhookSender {
  #drop = 0;
  #duplicate = 0;
  #hold = 0;
  readonly #held: (() => Promise<void>)[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  /** Every delivery attempt: {url, status, body} (status 0 = no answer). */
  readonly deliveries: { url: string; status: number; body: unknown }[] = [];

  constructor(
    private readonly state: EmulatorState,
    private readonly apiBase: () => string,
  ) {}

  dropNext(n = 1) {
    this.#drop += n;
  }
  duplicateNext(n = 1) {
    this.#duplicate += n;
  }
  /** The next `n` notifications wait until releaseHeld(): later ones overtake them. */
  holdNext(n = 1) {
    this.#hold += n;
  }
  async releaseHeld() {
    const held = this.#held.splice(0);
    for (const send of held) await send();
  }
  /** Waits for deliveries in flight (tests). */
  async settle() {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight]);
  }

  /** One change of one entity: every matching enabled webhook gets a notification. */
  notify(entityType: string, id: string, action: 'CREATE' | 'UPDATE' | 'DELETE', updatedFields?: string[]) {
    const base = this.apiBase();
    for (const hook of this.state.webhooks) {
      if (!hook.enabled || hook.entityType !== entityType || hook.action !== action) continue;
      const body = {
        auditContext: {
          meta: { type: 'audit', href: `${base}/audit/${randomUUID()}` },
          uid: 'admin@emulator',
          moment: moscowTime(new Date()),
        },
        events: [
          {
            meta: { type: entityType, href: `${base}/entity/${entityType}/${id}` },
            ...(action === 'UPDATE' && hook.diffType === 'FIELDS' && updatedFields ? { updatedFields } : {}),
            action,
            accountId: this.state.accountId,
          },
        ],
      };
      if (this.#drop > 0) {
        this.#drop--;
        continue;
      }
      let copies = 1;
      if (this.#duplicate > 0) {
        this.#duplicate--;
        copies = 2;
      }
      const send = () =>
        this.#deliver(`${hook.url}${hook.url.includes('?') ? '&' : '?'}requestId=${randomUUID()}`, body);
      for (let i = 0; i < copies; i++) {
        if (this.#hold > 0) {
          this.#hold--;
          this.#held.push(send);
        } else {
          const p = send().finally(() => this.#inFlight.delete(p));
          this.#inFlight.add(p);
        }
      }
    }
  }

  /**
   * MoySklad waits 1500 ms for a 200 or 204 and otherwise tries 3 more times, one after the
   * other without a pause; then the notification is dropped (the webhook page, as above).
   */
  async #deliver(url: string, body: unknown) {
    for (let attempt = 0; attempt < 4; attempt++) {
      let status = 0;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(1500),
        });
        status = res.status;
        await res.body?.cancel();
      } catch {
        status = 0;
      }
      this.deliveries.push({ url, status, body });
      if (status === 200 || status === 204) return;
    }
  }
}
