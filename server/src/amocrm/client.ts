import type { z } from 'zod';
import { HttpProblem } from '../http/problem.js';
import type { Logger } from '../log.js';
import { Account, type CatalogElement, CatalogElementList, CatalogList, Lead } from './api-schemas.js';

export interface AmoClientOptions {
  /** https://{subdomain}.amocrm.ru, or AMO_API_BASE (emulator). */
  baseUrl: string;
  getAccessToken(): Promise<string>;
  log: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Thrown for any amoCRM answer we cannot use; carries the HTTP status when there was one. */
export class AmoApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const PAGE_LIMIT = 250;

/** amoCRM REST v4 for one installation. Every response is validated before use. */
export function createAmoClient(opts: AmoClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');

  async function get<T extends z.ZodType>(
    path: string,
    schema: T,
    query?: URLSearchParams,
  ): Promise<z.infer<T> | null> {
    const url = `${base}/api/v4${path}${query && [...query].length ? `?${query}` : ''}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { authorization: `Bearer ${await opts.getAccessToken()}`, accept: 'application/hal+json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new AmoApiError(`amoCRM unreachable: ${(err as Error).message}`, undefined);
    }
    if (res.status === 204) return null;
    if (res.status === 404) return null;
    if (!res.ok) {
      opts.log.warn(
        { status: res.status, path, requestId: res.headers.get('x-request-id') },
        'amoCRM request failed',
      );
      throw new AmoApiError(`amoCRM answered ${res.status} for ${path}`, res.status);
    }
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new AmoApiError(`amoCRM sent an unexpected body for ${path}`, res.status);
    return parsed.data;
  }

  return {
    account: () => get('/account', Account),

    getLead: (id: number, withRelations: readonly string[] = ['catalog_elements']) =>
      get(`/leads/${id}`, Lead, new URLSearchParams({ with: withRelations.join(',') })),

    async listCatalogs() {
      return (await get('/catalogs', CatalogList))?._embedded.catalogs ?? [];
    },

    /** Elements of a catalog by id, following pagination. */
    async getCatalogElements(catalogId: number, ids: readonly number[]): Promise<CatalogElement[]> {
      const out: CatalogElement[] = [];
      for (let i = 0; i < ids.length; i += PAGE_LIMIT) {
        const chunk = ids.slice(i, i + PAGE_LIMIT);
        let page = 1;
        for (;;) {
          const q = new URLSearchParams({ limit: String(PAGE_LIMIT), page: String(page) });
          for (const id of chunk) q.append('filter[id][]', String(id));
          const body = await get(`/catalogs/${catalogId}/elements`, CatalogElementList, q);
          if (!body) break;
          out.push(...(body._embedded.elements as CatalogElement[]));
          if (!body._links?.next) break;
          page += 1;
        }
      }
      return out;
    },
  };
}

export type AmoClient = ReturnType<typeof createAmoClient>;

export function amoUnavailable(err: unknown): HttpProblem {
  const detail = err instanceof AmoApiError ? err.message : 'amoCRM could not be reached.';
  return new HttpProblem(502, 'amocrm.unavailable', 'amoCRM is unavailable', detail);
}
