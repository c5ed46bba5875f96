import type { InvoiceList, InvoiceRequest } from '@erp-bridge/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConfirmStep,
  confirmReducer,
  createInvoicePoller,
  hasPending,
  withRequest,
} from './invoice-state.js';

const RUB = (amount: number) => ({ amount, currency: 'RUB' });
const request = (status: InvoiceRequest['status']): InvoiceRequest => ({
  id: `r-${status}`,
  leadId: 1001,
  status,
  createdAt: '2026-11-12T10:00:00Z',
  updatedAt: '2026-11-12T10:00:00Z',
  attempts: 0,
  positions: [],
  total: RUB(100),
  invoice: status === 'created' ? { id: 'i1', number: '00001', sum: RUB(100), link: null } : null,
  error: status === 'failed' ? { code: 'erp', message: 'ERP said no' } : null,
});
const list = (...statuses: InvoiceRequest['status'][]): InvoiceList => ({
  items: statuses.map(request),
  canRequest: !statuses.includes('pending'),
  blockedBy: statuses.includes('pending') ? 'pending' : null,
  preview: null,
});

describe('confirmReducer', () => {
  const idle: ConfirmStep = { step: 'idle' };
  it('keeps the key made when the step opened through send, failure and retry', () => {
    let s = confirmReducer(idle, { type: 'open', key: 'k1' });
    expect(s).toEqual({ step: 'confirm', key: 'k1', sending: false, failure: null });
    s = confirmReducer(s, { type: 'send' });
    expect(s).toMatchObject({ key: 'k1', sending: true });
    // A second click while sending changes nothing (the button is disabled, but a fast double click may land).
    expect(confirmReducer(s, { type: 'send' })).toEqual(s);
    s = confirmReducer(s, { type: 'failed', failure: { kind: 'network', status: 0 } });
    expect(s).toMatchObject({ key: 'k1', sending: false, failure: { kind: 'network' } });
    s = confirmReducer(s, { type: 'send' });
    expect(s).toMatchObject({ key: 'k1', sending: true, failure: null });
    expect(confirmReducer(s, { type: 'accepted' })).toEqual(idle);
  });
  it('does not reopen with a new key while open, and cannot cancel a request on the wire', () => {
    const open = confirmReducer(idle, { type: 'open', key: 'k1' });
    expect(confirmReducer(open, { type: 'open', key: 'k2' })).toEqual(open);
    const sending = confirmReducer(open, { type: 'send' });
    expect(confirmReducer(sending, { type: 'cancel' })).toEqual(sending);
    expect(confirmReducer(open, { type: 'cancel' })).toEqual(idle);
  });
  it('gives a new key after a cancel', () => {
    const reopened = confirmReducer(
      confirmReducer(confirmReducer(idle, { type: 'open', key: 'k1' }), { type: 'cancel' }),
      {
        type: 'open',
        key: 'k2',
      },
    );
    expect(reopened).toMatchObject({ key: 'k2' });
  });
});

describe('hasPending', () => {
  it('is true while any request is pending', () => {
    expect(hasPending(list('created', 'pending'))).toBe(true);
    expect(hasPending(list('created', 'failed'))).toBe(false);
    expect(hasPending(undefined)).toBe(false);
  });
});

describe('withRequest', () => {
  it('puts an accepted request first, pending, and blocks a second one meanwhile', () => {
    const before = { ...list('created'), canRequest: true };
    const accepted = { ...request('pending'), id: 'new' };
    const after = withRequest(before, accepted);
    expect(after.items.map((i) => i.id)).toEqual(['new', 'r-created']);
    expect(after).toMatchObject({ canRequest: false, blockedBy: 'pending' });
  });
  it('replaces the same request instead of listing it twice (a replayed key)', () => {
    const before = list('pending');
    expect(withRequest(before, request('pending')).items).toHaveLength(1);
  });
});

describe('createInvoicePoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A load() answering from a script of lists (or errors), counting calls. */
  function scripted(answers: (InvoiceList | Error)[]) {
    let calls = 0;
    const load = vi.fn(() => {
      const answer = answers[Math.min(calls++, answers.length - 1)] as InvoiceList | Error;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    });
    return load;
  }

  it('polls every 2 s while a request is pending and stops once none is', async () => {
    const load = scripted([list('pending'), list('pending'), list('created')]);
    const seen: InvoiceList[] = [];
    const poller = createInvoicePoller({ load, onData: (l) => seen.push(l), onError: () => {} });
    poller.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(load).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(seen.map((l) => l.items[0]?.status)).toEqual(['pending', 'pending', 'created']);
  });

  it('does not poll when nothing is pending, until kicked (after a request was sent)', async () => {
    const load = scripted([list('created'), list('created', 'pending'), list('created', 'created')]);
    const poller = createInvoicePoller({ load, onData: () => {}, onError: () => {} });
    poller.kick();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(1);
    poller.kick();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(load).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('keeps polling through a failed load while a request is pending', async () => {
    const load = scripted([list('pending'), new Error('offline'), list('created')]);
    const errors: unknown[] = [];
    const seen: InvoiceList[] = [];
    const poller = createInvoicePoller({ load, onData: (l) => seen.push(l), onError: (e) => errors.push(e) });
    poller.kick();
    await vi.advanceTimersByTimeAsync(4000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(errors).toHaveLength(1);
    expect(seen.at(-1)?.items[0]?.status).toBe('created');
  });

  it('stops on destroy: no more loads, and a late answer is dropped', async () => {
    let resolve: (l: InvoiceList) => void = () => {};
    const load = vi.fn(() => new Promise<InvoiceList>((r) => (resolve = r)));
    const onData = vi.fn();
    const poller = createInvoicePoller({ load, onData, onError: () => {} });
    poller.kick();
    poller.stop();
    resolve(list('pending'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onData).not.toHaveBeenCalled();
    expect(load).toHaveBeenCalledTimes(1);
    poller.kick();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('ignores an older answer that arrives after a newer kick', async () => {
    const resolvers: ((l: InvoiceList) => void)[] = [];
    const load = vi.fn(() => new Promise<InvoiceList>((r) => resolvers.push(r)));
    const seen: InvoiceList[] = [];
    const poller = createInvoicePoller({ load, onData: (l) => seen.push(l), onError: () => {} });
    poller.kick();
    poller.kick();
    resolvers[1]?.(list('created'));
    resolvers[0]?.(list('pending'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.map((l) => l.items[0]?.status)).toEqual(['created']);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
