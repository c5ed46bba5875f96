import type { InvoiceList, InvoiceRequest } from '@erp-bridge/shared';
import type { ApiFailure } from '../api-client.js';

/**
 * The "Request invoice" flow. The Idempotency-Key is made when the confirm step opens and kept
 * until the request is accepted or the step is cancelled: a double click, or a retry after a
 * network failure, sends the same key, so the server creates one invoice.
 */
export type ConfirmStep =
  | { step: 'idle' }
  | { step: 'confirm'; key: string; sending: boolean; failure: ApiFailure | null };

export type ConfirmEvent =
  | { type: 'open'; key: string }
  | { type: 'cancel' }
  | { type: 'send' }
  | { type: 'failed'; failure: ApiFailure }
  | { type: 'accepted' };

export function confirmReducer(state: ConfirmStep, event: ConfirmEvent): ConfirmStep {
  switch (event.type) {
    case 'open':
      return state.step === 'idle'
        ? { step: 'confirm', key: event.key, sending: false, failure: null }
        : state;
    case 'cancel':
      // A request on the wire cannot be called back; the step closes when it answers.
      return state.step === 'confirm' && state.sending ? state : { step: 'idle' };
    case 'send':
      return state.step === 'confirm' ? { ...state, sending: true, failure: null } : state;
    case 'failed':
      return state.step === 'confirm' ? { ...state, sending: false, failure: event.failure } : state;
    case 'accepted':
      return { step: 'idle' };
  }
}

export const hasPending = (list: InvoiceList | undefined): boolean =>
  !!list?.items.some((i) => i.status === 'pending');

/** The list with `request` first (replacing an older copy of it); no second request while it is pending. */
export function withRequest(list: InvoiceList, request: InvoiceRequest): InvoiceList {
  const pending = request.status === 'pending';
  return {
    ...list,
    items: [request, ...list.items.filter((i) => i.id !== request.id)],
    canRequest: list.canRequest && !pending,
    blockedBy: pending ? 'pending' : list.blockedBy,
  };
}

export const POLL_MS = 2000;

export interface Poller {
  /** Load now (cancelling a scheduled load), then keep polling while a request is pending. */
  kick(): void;
  /** No more loads; answers still in flight are dropped. */
  stop(): void;
}

/**
 * Follows the lead's invoice requests: loads, and while any request is pending loads again every
 * `intervalMs`. A failed load while polling is retried on the same beat (the last list stays);
 * a failed first load stops until kicked. One load at a time; stale answers are ignored.
 */
export function createInvoicePoller(opts: {
  load: () => Promise<InvoiceList>;
  onData: (list: InvoiceList) => void;
  onError: (error: unknown) => void;
  intervalMs?: number;
}): Poller {
  const interval = opts.intervalMs ?? POLL_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  let stopped = false;
  let last: InvoiceList | undefined;

  const schedule = () => {
    if (!stopped && hasPending(last)) timer = setTimeout(kick, interval);
  };
  function kick(): void {
    if (stopped) return;
    clearTimeout(timer);
    const mine = ++seq;
    opts.load().then(
      (list) => {
        if (mine !== seq || stopped) return;
        last = list;
        opts.onData(list);
        schedule();
      },
      (error: unknown) => {
        if (mine !== seq || stopped) return;
        opts.onError(error);
        schedule();
      },
    );
  }
  return {
    kick,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
