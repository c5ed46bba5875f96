import type { z } from 'zod';
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
import { type AmoCallOptions, type AmoRequestOptions, createAmoRequest, type Method } from './request.js';

export { type AccountCircuit, createAccountCircuit } from './account-circuit.js';
export { AmoAccountBlocked, AmoApiError, amoUnavailable } from './errors.js';
export { AmoCallAborted, type AmoCallOptions } from './request.js';

export type AmoClientOptions = AmoRequestOptions;

const PAGE_LIMIT = 250;
/** amoCRM recommends at most 50 entities per write. */
export const WRITE_BATCH = 50;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The amoCRM REST v4 endpoints erp-bridge uses, for one installation (transport: request.ts). */
export function createAmoClient(opts: AmoClientOptions) {
  const request = createAmoRequest(opts);

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
