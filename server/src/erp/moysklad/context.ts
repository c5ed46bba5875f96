import type { z } from 'zod';
import type { ExchangeObserver } from '../../lib/exchange.js';
import { HttpClient } from './http.js';
import * as S from './schemas.js';

export interface MoySkladConnectorOptions {
  token: string;
  /** Default https://api.moysklad.ru/api/remap/1.2 */
  apiBase?: string;
  fetch?: typeof fetch;
  /** Per request, default 10 s. */
  timeoutMs?: number;
  /** MoySklad allows 5 parallel requests per user or solution token. */
  maxInFlight?: number;
  currency?: 'RUB';
  /** Where people open MoySklad in a browser, default https://online.moysklad.ru */
  uiBase?: string;
  /** How long a SKU -> product lookup is remembered, default 10 min. */
  skuCacheTtlMs?: number;
  /** How long an unknown SKU is remembered as unknown, default 1 min. */
  missingSkuTtlMs?: number;
  /** How long the store list is remembered, default 10 min. */
  storeCacheTtlMs?: number;
  /** The product field that holds the SKU, default article. */
  skuField?: 'article' | 'code' | 'externalCode';
  /** The price type used when an invoice position has no price, default "Цена продажи". */
  priceType?: string;
  /** URLs longer than this are split into several requests, default 2000. */
  maxUrlLength?: number;
  maxRateLimitRetries?: number;
  maxServerRetries?: number;
  retryBaseMs?: number;
  maxRetryWaitMs?: number;
  /** Sees every request sent to MoySklad (the request journal). */
  onExchange?: ExchangeObserver;
}

/** What every operation of the MoySklad connector shares. */
export interface MoySkladContext {
  options: MoySkladConnectorOptions;
  http: HttpClient;
  apiBase: string;
  uiBase: string;
  currency: 'RUB';
  skuField: 'article' | 'code' | 'externalCode';
  priceType: string;
  maxUrlLength: number;
  /** Every row of a list, following offset paging. */
  listAll<T>(
    path: string,
    query: Record<string, string>,
    row: z.ZodType<T>,
    opts?: { limit?: number; signal?: AbortSignal },
  ): Promise<T[]>;
}

const DEFAULT_API_BASE = 'https://api.moysklad.ru/api/remap/1.2';
const SALE_PRICE = 'Цена продажи';
const PAGE_LIMIT = 1000;

export function createMoySkladContext(options: MoySkladConnectorOptions): MoySkladContext {
  if (!options.token) throw new Error('MoySklad connector: token is required');
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const http = new HttpClient({
    token: options.token,
    apiBase,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxInFlight: options.maxInFlight ?? 5,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 5,
    maxServerRetries: options.maxServerRetries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 150,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 15_000,
    onExchange: options.onExchange,
  });

  async function listAll<T>(
    path: string,
    query: Record<string, string>,
    row: z.ZodType<T>,
    opts: { limit?: number; signal?: AbortSignal } = {},
  ): Promise<T[]> {
    const schema = S.list(row);
    const rows: T[] = [];
    const limit = opts.limit ?? PAGE_LIMIT;
    for (let offset = 0; ; offset += limit) {
      const page = await http.request({
        path,
        query: { ...query, limit, offset },
        schema,
        signal: opts.signal,
      });
      rows.push(...(page.rows as T[]));
      if (page.rows.length === 0 || offset + page.rows.length >= page.meta.size) return rows;
    }
  }

  return {
    options,
    http,
    apiBase,
    uiBase: (options.uiBase ?? 'https://online.moysklad.ru').replace(/\/+$/, ''),
    currency: options.currency ?? 'RUB',
    skuField: options.skuField ?? 'article',
    priceType: options.priceType ?? SALE_PRICE,
    maxUrlLength: options.maxUrlLength ?? 2000,
    listAll,
  };
}
