import type { WebhookDelivery } from '../entities.js';
import type { LeadChange } from '../leads/changes.js';
import type { EmulatorState } from '../state.js';
import { type AmoWebhookEvent, encodeAmoWebhookBody } from './encode.js';
import { leadEvents } from './lead-events.js';

export interface SenderOptions {
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  fetch?: typeof fetch | undefined;
  domain?: string;
}

/**
 * Posts amoCRM-format webhooks to registered destinations. Delivery starts after the API answer
 * (next macrotask), waits at most `timeoutMs`, counts 100–299 as success and retries failures
 * with exponential backoff. Every attempt lands in `state.webhookDeliveries`.
 */
export class WebhookSender {
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #queued: { destination: string; body: string }[] = [];

  constructor(
    private readonly state: EmulatorState,
    private readonly opts: SenderOptions,
  ) {
    state.leadListeners.add((batch) => this.#onLeadChanges(batch));
  }

  /** Deliveries waiting for `flush()` (autoDeliverWebhooks off) plus those under way. */
  get pending(): number {
    return this.#queued.length + this.#inFlight.size;
  }

  /** Every attempt so far (the same array as `state.webhookDeliveries`). */
  get deliveries(): WebhookDelivery[] {
    return this.state.webhookDeliveries;
  }

  /** Posts queued bodies and waits until every delivery, retries included, has finished. */
  async flush(): Promise<void> {
    for (const item of this.#queued.splice(0)) this.#start(item.destination, item.body);
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Posts an arbitrary amoCRM-format body now (with retries); resolves with the last attempt. */
  send(destination: string, events: readonly AmoWebhookEvent[]): Promise<WebhookDelivery> {
    return this.#track(this.#deliver(destination, this.encode(events)));
  }

  /** The body these events make for this account. */
  encode(events: readonly AmoWebhookEvent[]): string {
    const { id, subdomain } = this.state.account;
    return encodeAmoWebhookBody(events, {
      id,
      subdomain,
      ...(this.opts.domain ? { domain: this.opts.domain } : {}),
    });
  }

  #onLeadChanges(batch: LeadChange[]): void {
    for (const hook of this.state.webhooks.values()) {
      if (hook.disabled) continue;
      const events = leadEvents(this.state, batch, hook.settings);
      if (events.length === 0) continue;
      const body = this.encode(events);
      if (this.state.config.autoDeliverWebhooks) this.#start(hook.destination, body);
      else this.#queued.push({ destination: hook.destination, body });
    }
  }

  #start(destination: string, body: string): void {
    // setImmediate: the API's own answer goes out first, as amoCRM sends hooks after the write.
    void this.#track(
      new Promise((resolve) => setImmediate(resolve)).then(() => this.#deliver(destination, body)),
    );
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const done = () => this.#inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  async #deliver(destination: string, body: string): Promise<WebhookDelivery> {
    let last: WebhookDelivery | undefined;
    for (let attempt = 1; attempt <= this.opts.retries + 1; attempt++) {
      if (attempt > 1) await sleep(this.opts.retryBaseMs * 2 ** (attempt - 2));
      last = await this.#post(destination, body, attempt);
      if (last.status >= 100 && last.status <= 299) break;
    }
    return last as WebhookDelivery;
  }

  async #post(destination: string, body: string, attempt: number): Promise<WebhookDelivery> {
    const at = Date.now();
    const doFetch = this.opts.fetch ?? fetch;
    const record = (status: number, error?: string): WebhookDelivery => {
      const delivery = { destination, body, status, at, attempt, ...(error === undefined ? {} : { error }) };
      this.state.webhookDeliveries.push(delivery);
      return delivery;
    };
    try {
      const res = await doFetch(destination, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'amoCRM-Webhooks/3.0' },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      return record(res.status);
    } catch (err) {
      return record(0, err instanceof Error ? err.message : String(err));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
