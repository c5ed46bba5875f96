import type { DealLineInput } from '@erp-bridge/shared';
import { BoundedCache } from '../lib/bounded-cache.js';
import { SharedAbort, untilAborted } from '../lib/shared-abort.js';
import type { CatalogElement, Lead } from './api-schemas.js';
import { AmoCallAborted, type AmoCallOptions, type AmoClient } from './client.js';

/** Field codes of the products catalog that carry the SKU and the price (configurable per account). */
export interface ProductFieldCodes {
  sku: string;
  price: string;
}

export interface LeadWithLines {
  lead: Lead;
  lines: DealLineInput[];
}

/**
 * Reads deals with their product lines. Catalog elements (name, SKU, price) change rarely and are
 * shared by many deals, so they are cached; leads are always read fresh, many per request.
 */
export function createLeadReader(
  client: Pick<AmoClient, 'getLead' | 'getLeads' | 'getCatalogElements' | 'listCatalogs'>,
  opts: {
    codes: () => Promise<ProductFieldCodes> | ProductFieldCodes;
    currency: string;
    elementTtlMs?: number;
    /** How long a card may show a deal read earlier; webhooks about the deal end it sooner. */
    leadTtlMs?: number;
    /** How long "no such deal" is remembered (cards asking for deleted or made-up ids), default 15 s. */
    missingTtlMs?: number;
  },
) {
  const ttl = opts.elementTtlMs ?? 60_000;
  const leadTtl = opts.leadTtlMs ?? 60_000;
  // Bounded like every cache: a deal's lines and the elements they link, per account.
  const elements = new BoundedCache<CatalogElement>({ max: 20_000, ttlMs: Math.max(ttl, 1) });
  const deals = new BoundedCache<{ deal: LeadWithLines | null }>({ max: 5000, ttlMs: Math.max(leadTtl, 1) });
  const productCatalogs = new BoundedCache<Set<number>>({ max: 1, ttlMs: 600_000 });
  const reading = new Map<number, { shared: SharedAbort; deal: Promise<LeadWithLines | null> }>();
  // Bounded: a stranger asking for random ids fills at most this many entries, each short-lived.
  const missing = new BoundedCache<true>({ max: 10_000, ttlMs: opts.missingTtlMs ?? 15_000 });

  /** A deal links elements of any list (invoices too); only the products list holds its lines. */
  async function productCatalogIds(): Promise<Set<number>> {
    return productCatalogs.getOrLoad('products', async () => {
      const catalogs = await client.listCatalogs();
      return new Set(catalogs.filter((c) => c.type === 'products').map((c) => c.id));
    });
  }

  async function productLinks(lead: Lead) {
    const products = await productCatalogIds();
    return (lead._embedded?.catalog_elements ?? []).filter((l) => products.has(l.metadata.catalog_id));
  }

  async function ensureElements(leads: readonly Lead[]) {
    const missing = new Map<number, Set<number>>();
    for (const lead of leads) {
      for (const link of await productLinks(lead)) {
        if (elements.get(String(link.id))) continue;
        const ids = missing.get(link.metadata.catalog_id) ?? new Set<number>();
        ids.add(link.id);
        missing.set(link.metadata.catalog_id, ids);
      }
    }
    for (const [catalogId, ids] of missing) {
      for (const el of await client.getCatalogElements(catalogId, [...ids]))
        elements.set(String(el.id), el, { ttlMs: ttl });
    }
  }

  async function linesOf(lead: Lead): Promise<DealLineInput[]> {
    const codes = await opts.codes();
    return (await productLinks(lead)).map((link) => {
      const el = elements.get(String(link.id));
      const sku = el ? fieldValue(el, codes.sku) : undefined;
      const price = el ? fieldValue(el, codes.price) : undefined;
      const amount = price === undefined ? Number.NaN : Number(price);
      const skuText = typeof sku === 'string' || typeof sku === 'number' ? String(sku).trim() || null : null;
      return {
        elementId: link.id,
        sku: skuText,
        name: el?.name ?? `#${link.id}`,
        quantity: link.metadata.quantity,
        price: Number.isFinite(amount) ? { amount, currency: opts.currency } : null,
        // A catalog element without an SKU is a service (delivery, assembly); one we could not read is unknown.
        ...(el && skuText === null && { kind: 'service' as const }),
      };
    });
  }

  async function fetchOne(leadId: number, call: AmoCallOptions): Promise<LeadWithLines | null> {
    const lead = await client.getLead(leadId, ['catalog_elements', 'contacts'], call);
    if (!lead) {
      missing.set(String(leadId), true);
      return null;
    }
    await ensureElements([lead]);
    return { lead, lines: await linesOf(lead) };
  }

  return {
    /**
     * One deal with its lines, for the card: a recent read is reused and concurrent reads share
     * one request (amoCRM allows 7 requests/second for the whole account). Null: no such deal.
     */
    async read(leadId: number, call: AmoCallOptions = {}): Promise<LeadWithLines | null> {
      const hit = deals.get(String(leadId));
      if (hit) return hit.deal;
      if (missing.get(String(leadId))) return null;
      let p = reading.get(leadId);
      if (!p) {
        // The shared read is cancelled only when every card waiting for it has gone.
        const shared = new SharedAbort();
        p = {
          shared,
          deal: fetchOne(leadId, { lane: call.lane, signal: shared.signal })
            .then((deal) => {
              if (deal) deals.set(String(leadId), { deal }, { ttlMs: leadTtl });
              return deal;
            })
            .finally(() => {
              reading.delete(leadId);
              shared.settle();
            }),
        };
        reading.set(leadId, p);
      }
      p.shared.join(call.signal);
      return untilAborted(p.deal, call.signal, () => new AmoCallAborted());
    },

    /** Many deals, always fresh (the guard decides on them), in as few requests as amoCRM allows. */
    async readMany(leadIds: readonly number[]): Promise<Map<number, LeadWithLines>> {
      const leads = await client.getLeads(leadIds, ['catalog_elements', 'contacts']);
      await ensureElements(leads);
      const out = new Map<number, LeadWithLines>();
      for (const lead of leads) {
        const deal = { lead, lines: await linesOf(lead) };
        out.set(lead.id, deal);
        deals.set(String(lead.id), { deal }, { ttlMs: leadTtl });
      }
      return out;
    },

    /** amoCRM said these deals changed: the next card read asks again. */
    invalidate(leadIds: readonly number[]) {
      for (const id of leadIds) {
        deals.delete(String(id));
        missing.delete(String(id));
      }
    },
  };
}

export type LeadReader = ReturnType<typeof createLeadReader>;

function fieldValue(el: CatalogElement, code: string): unknown {
  const field = el.custom_fields_values?.find((f) => f.field_code === code);
  return field?.values?.[0]?.value ?? undefined;
}
