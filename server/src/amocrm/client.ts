import type { z } from 'zod';
import type { ExchangeObserver } from '../lib/exchange.js';
import { retryAfterMs } from '../lib/retry-after.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../log.js';
import type { AmoMetrics } from '../metrics.js';
import {
  Account,
  type CatalogElement,
  CatalogElementList,
  CatalogList,
  Company,
  Contact,
  type CustomFieldInput,
  CustomFieldList,
  EntityIdList,
  Lead,
  LeadList,
  type LeadPatch,
  type LinkInput,
  type NoteInput,
  NoteList,
  PatchedLead,
  PatchedLeadList,
  PipelineList,
  type TaskInput,
  TaskList,
  User,
  WebhookList,
} from './api-schemas.js';
import { AmoAccountBlocked, AmoApiError, looksLikeAbuseBlock, parseValidationErrors } from './errors.js';
import type { Lane, SlotScheduler } from './rate-limit.js';

export { AmoAccountBlocked, AmoApiError, amoUnavailable } from './errors.js';

export interface AmoClientOptions {
  accountId: number;
  /** https://{subdomain}.amocrm.ru, or AMO_API_BASE (emulator). */
  baseUrl: string;
  getAccessToken(): Promise<string>;
  /** amoCRM said 401 to this token: return a refreshed one (or throw). Absent for long-lived tokens. */
  onUnauthorized?(rejected: string): Promise<string>;
  scheduler: SlotScheduler;
  circuit: AccountCircuit;
  log: Logger;
  metrics?: AmoMetrics;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Base of the exponential backoff, ms. */
  backoffMs?: number;
  /** Told of every attempt (request journal, operator metrics). */
  onExchange?: ExchangeObserver;
}

/** Accounts amoCRM has blocked, shared by every client in the process (and persisted by the owner). */
export interface AccountCircuit {
  openUntil(accountId: number): Date | undefined;
  open(accountId: number, until: Date, reason: string): void;
}

export function createAccountCircuit(
  onOpen?: (accountId: number, until: Date, reason: string) => void,
): AccountCircuit {
  const open = new Map<number, Date>();
  return {
    openUntil(accountId) {
      const until = open.get(accountId);
      if (until && until.getTime() <= Date.now()) open.delete(accountId);
      return open.get(accountId);
    },
    open(accountId, until, reason) {
      open.set(accountId, until);
      onOpen?.(accountId, until, reason);
    },
  };
}

const PAGE_LIMIT = 250;
/** amoCRM recommends at most 50 entities per write. */
export const WRITE_BATCH = 50;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const ABUSE_PAUSE_MS = 15 * 60_000;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Per call: who asks (the widget's reads leave part of the budget to the guard) and its cancellation. */
export interface AmoCallOptions {
  lane?: Lane;
  /** The caller went away: stop waiting for a slot, abort the request, never retry. */
  signal?: AbortSignal;
}

/** The error of a call whose caller gave up (never sent, or cut off). */
export class AmoCallAborted extends Error {
  constructor() {
    super('the caller cancelled the amoCRM request');
    this.name = 'AbortError';
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * amoCRM REST v4 for one installation: every call waits for its rate slot, retries 429 / 502 /
 * 503 / 504 / network errors with exponential backoff and jitter (honouring Retry-After), never
 * other 4xx, refreshes once on 401, and stops calling an account amoCRM has blocked.
 */
export function createAmoClient(opts: AmoClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  const maxAttempts = opts.maxAttempts ?? 6;
  const backoff = opts.backoffMs ?? 250;

  function backoffDelay(attempt: number, retryAfter: string | null): number {
    const exp = backoff * 2 ** attempt;
    const jittered = exp / 2 + Math.random() * (exp / 2);
    return Math.max(jittered, retryAfterMs(retryAfter) ?? 0);
  }

  async function request<T extends z.ZodType>(
    method: Method,
    path: string,
    schema: T | null,
    init: { query?: URLSearchParams; body?: unknown } & AmoCallOptions = {},
  ): Promise<z.infer<T> | null> {
    const signal = init.signal;
    const url = `${base}/api/v4${path}${init.query && [...init.query].length ? `?${init.query}` : ''}`;
    let token = await opts.getAccessToken();
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const blockedUntil = opts.circuit.openUntil(opts.accountId);
      if (blockedUntil) throw new AmoAccountBlocked(opts.accountId, blockedUntil);

      try {
        await opts.scheduler.acquire(opts.accountId, { lane: init.lane, signal });
      } catch (err) {
        if (signal?.aborted) throw new AmoCallAborted();
        throw err;
      }
      if (signal?.aborted) throw new AmoCallAborted();
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 15_000);

      let res: Response;
      const started = performance.now();
      try {
        res = await doFetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/hal+json',
            ...(init.body !== undefined && { 'content-type': 'application/json' }),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
      } catch (err) {
        if (signal?.aborted) throw new AmoCallAborted();
        opts.onExchange?.({
          at: Date.now() - Math.round(performance.now() - started),
          direction: 'out',
          system: 'amocrm',
          accountId: opts.accountId,
          method,
          path: `/api/v4${path}`,
          status: 0,
          latencyMs: performance.now() - started,
          attempt: attempt + 1,
        });
        opts.metrics?.requests.inc({ method, status: 'network' });
        if (attempt + 1 >= maxAttempts)
          throw new AmoApiError(`amoCRM unreachable: ${(err as Error).message}`, undefined);
        opts.metrics?.retries.inc({ reason: 'network' });
        await sleep(backoffDelay(attempt, null));
        if (signal?.aborted) throw new AmoCallAborted();
        continue;
      }
      opts.metrics?.requests.inc({ method, status: String(res.status) });
      opts.metrics?.latency.observe((performance.now() - started) / 1000);
      const requestId = res.headers.get('x-request-id') ?? undefined;
      opts.onExchange?.({
        at: Date.now() - Math.round(performance.now() - started),
        direction: 'out',
        system: 'amocrm',
        accountId: opts.accountId,
        method,
        path: `/api/v4${path}`,
        status: res.status,
        latencyMs: performance.now() - started,
        attempt: attempt + 1,
        requestId,
      });

      if (res.status === 401 && opts.onUnauthorized && !refreshed) {
        await res.body?.cancel();
        refreshed = true;
        token = await opts.onUnauthorized(token);
        attempt -= 1; // a token refresh is not a failed attempt
        continue;
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt + 1 < maxAttempts) {
        const delay = backoffDelay(attempt, res.headers.get('retry-after'));
        await res.body?.cancel();
        opts.metrics?.retries.inc({ reason: String(res.status) });
        opts.log.warn(
          {
            accountId: opts.accountId,
            status: res.status,
            path,
            attempt,
            delay: Math.round(delay),
            requestId,
          },
          'amoCRM asked us to retry',
        );
        await sleep(delay);
        if (signal?.aborted) throw new AmoCallAborted();
        continue;
      }

      if (res.status === 204) return null;
      const text = await res.text();
      if (looksLikeAbuseBlock(res.status, res.headers.get('content-type'), text)) {
        const until = new Date(Date.now() + ABUSE_PAUSE_MS);
        opts.circuit.open(opts.accountId, until, 'amoCRM answered 403 (account blocked for abuse)');
        opts.log.error(
          { accountId: opts.accountId, path, requestId },
          'amoCRM blocked the account; circuit open',
        );
        throw new AmoAccountBlocked(opts.accountId, until);
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (res.status === 404 && method === 'GET') return null;
      if (!res.ok) {
        opts.log.warn(
          { accountId: opts.accountId, status: res.status, method, path, requestId },
          'amoCRM request failed',
        );
        throw new AmoApiError(
          `amoCRM answered ${res.status} to ${method} ${path}`,
          res.status,
          parseValidationErrors(json),
        );
      }
      if (!schema) return null;
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        opts.log.warn(
          { path, issues: parsed.error.issues.slice(0, 3), requestId },
          'amoCRM response failed validation',
        );
        throw new AmoApiError(`amoCRM sent an unexpected body for ${method} ${path}`, res.status);
      }
      return parsed.data;
    }
  }

  /** Follows _links.next until the last page. */
  async function* pages<T extends z.ZodType<{ _links?: { next?: { href: string } } }>>(
    path: string,
    schema: T,
    query = new URLSearchParams(),
  ) {
    for (let page = 1; ; page++) {
      const q = new URLSearchParams(query);
      q.set('limit', String(PAGE_LIMIT));
      q.set('page', String(page));
      const body = await request('GET', path, schema, { query: q });
      if (!body) return;
      yield body as z.infer<T>;
      if (!(body as { _links?: { next?: unknown } })._links?.next) return;
    }
  }

  async function writeInBatches<I, T extends z.ZodType>(
    method: Method,
    path: string,
    items: readonly I[],
    schema: T,
  ) {
    const out: z.infer<T>[] = [];
    for (const batch of chunk(items, WRITE_BATCH)) {
      const body = await request(method, path, schema, { body: batch });
      if (body) out.push(body);
    }
    return out;
  }

  return {
    accountId: opts.accountId,
    request,

    account: () => request('GET', '/account', Account),

    getLead: (
      id: number,
      withRelations: readonly string[] = ['catalog_elements'],
      call: AmoCallOptions = {},
    ) =>
      request('GET', `/leads/${id}`, Lead, {
        query: new URLSearchParams({ with: withRelations.join(',') }),
        ...call,
      }),

    /** Leads by id, 250 per request (fewer requests under amoCRM's rate limit than one GET each). */
    async getLeads(ids: readonly number[], withRelations: readonly string[] = ['catalog_elements']) {
      const out: z.infer<typeof Lead>[] = [];
      for (const ch of chunk([...new Set(ids)], PAGE_LIMIT)) {
        const q = new URLSearchParams({ with: withRelations.join(',') });
        for (const id of ch) q.append('filter[id][]', String(id));
        for await (const page of pages('/leads', LeadList, q)) out.push(...page._embedded.leads);
      }
      return out;
    },

    /** Leads changed in [from, to] (unix seconds), all pages, oldest first. */
    async listLeadsUpdatedBetween(from: number, to: number) {
      const out: z.infer<typeof Lead>[] = [];
      const q = new URLSearchParams({
        'filter[updated_at][from]': String(from),
        'filter[updated_at][to]': String(to),
        'order[updated_at]': 'asc',
      });
      for await (const page of pages('/leads', LeadList, q)) out.push(...page._embedded.leads);
      return out;
    },

    patchLead: (id: number, patch: LeadPatch) =>
      request('PATCH', `/leads/${id}`, PatchedLead, { body: patch }),

    /** Bulk update, chunked to 50 leads per request. */
    async patchLeads(patches: readonly (LeadPatch & { id: number })[]) {
      return (await writeInBatches('PATCH', '/leads', patches, PatchedLeadList)).flatMap(
        (b) => b._embedded.leads,
      );
    },

    async listCatalogs() {
      return (await request('GET', '/catalogs', CatalogList))?._embedded.catalogs ?? [];
    },

    /** Elements of a catalog by id, 250 ids per request, following pagination. */
    async getCatalogElements(catalogId: number, ids: readonly number[]): Promise<CatalogElement[]> {
      const out: CatalogElement[] = [];
      for (const ch of chunk(ids, PAGE_LIMIT)) {
        const q = new URLSearchParams();
        for (const id of ch) q.append('filter[id][]', String(id));
        for await (const page of pages(`/catalogs/${catalogId}/elements`, CatalogElementList, q))
          out.push(...(page._embedded.elements as CatalogElement[]));
      }
      return out;
    },

    /** Elements of a catalog whose name contains `query` (first page). */
    async searchCatalogElements(catalogId: number, query: string): Promise<CatalogElement[]> {
      const body = await request('GET', `/catalogs/${catalogId}/elements`, CatalogElementList, {
        query: new URLSearchParams({ query, limit: String(PAGE_LIMIT) }),
      });
      return (body?._embedded.elements as CatalogElement[] | undefined) ?? [];
    },

    async createCatalogElements(
      catalogId: number,
      elements: readonly { name: string }[],
    ): Promise<CatalogElement[]> {
      return (
        await writeInBatches('POST', `/catalogs/${catalogId}/elements`, elements, CatalogElementList)
      ).flatMap((b) => b._embedded.elements as CatalogElement[]);
    },

    async listCatalogCustomFields(catalogId: number) {
      const out: z.infer<typeof CustomFieldList>['_embedded']['custom_fields'] = [];
      for await (const page of pages(`/catalogs/${catalogId}/custom_fields`, CustomFieldList))
        out.push(...page._embedded.custom_fields);
      return out;
    },

    async listLeadCustomFields() {
      const out: z.infer<typeof CustomFieldList>['_embedded']['custom_fields'] = [];
      for await (const page of pages('/leads/custom_fields', CustomFieldList))
        out.push(...page._embedded.custom_fields);
      return out;
    },

    async createLeadCustomFields(fields: readonly CustomFieldInput[]) {
      return (await writeInBatches('POST', '/leads/custom_fields', fields, CustomFieldList)).flatMap(
        (b) => b._embedded.custom_fields,
      );
    },

    async patchLeadCustomFields(fields: readonly (Partial<CustomFieldInput> & { id: number })[]) {
      return (await writeInBatches('PATCH', '/leads/custom_fields', fields, CustomFieldList)).flatMap(
        (b) => b._embedded.custom_fields,
      );
    },

    deleteLeadCustomField: (id: number) => request('DELETE', `/leads/custom_fields/${id}`, null),

    async linkLead(leadId: number, links: readonly LinkInput[]) {
      await writeInBatches('POST', `/leads/${leadId}/link`, links, EntityIdList);
    },

    /** Notes on leads, 50 per request. */
    async addLeadNotes(notes: readonly NoteInput[]) {
      return (await writeInBatches('POST', '/leads/notes', notes, NoteList)).flatMap(
        (b) => b._embedded.notes,
      );
    },

    async listLeadNotes(leadIds: readonly number[]) {
      const out: z.infer<typeof NoteList>['_embedded']['notes'] = [];
      for (const ch of chunk(leadIds, PAGE_LIMIT)) {
        const q = new URLSearchParams();
        for (const id of ch) q.append('filter[entity_id][]', String(id));
        for await (const page of pages('/leads/notes', NoteList, q)) out.push(...page._embedded.notes);
      }
      return out;
    },

    async addTasks(tasks: readonly TaskInput[]) {
      return (await writeInBatches('POST', '/tasks', tasks, TaskList)).flatMap((b) => b._embedded.tasks);
    },

    async listLeadTasks(leadIds: readonly number[]) {
      const out: z.infer<typeof TaskList>['_embedded']['tasks'] = [];
      for (const ch of chunk(leadIds, PAGE_LIMIT)) {
        const q = new URLSearchParams({ 'filter[entity_type]': 'leads' });
        for (const id of ch) q.append('filter[entity_id][]', String(id));
        for await (const page of pages('/tasks', TaskList, q)) out.push(...page._embedded.tasks);
      }
      return out;
    },

    async listPipelines() {
      return (await request('GET', '/leads/pipelines', PipelineList))?._embedded.pipelines ?? [];
    },

    getUser: (id: number) => request('GET', `/users/${id}`, User),
    getContact: (id: number) => request('GET', `/contacts/${id}`, Contact),
    getCompany: (id: number) => request('GET', `/companies/${id}`, Company),

    async listWebhooks() {
      return (await request('GET', '/webhooks', WebhookList))?._embedded.webhooks ?? [];
    },
    /** amoCRM keeps one subscription per destination: posting again updates its settings. */
    subscribeWebhook: (destination: string, settings: readonly string[]) =>
      request('POST', '/webhooks', null, { body: { destination, settings } }),
    unsubscribeWebhook: (destination: string) =>
      request('DELETE', '/webhooks', null, { body: { destination } }),
  };
}

export type AmoClient = ReturnType<typeof createAmoClient>;
