import type { DealLineInput } from '@erp-bridge/shared';
import type { CatalogElement } from './api-schemas.js';
import type { AmoClient } from './client.js';

/** Field codes of the products catalog that carry the SKU and the price (configurable per account). */
export interface ProductFieldCodes {
  sku: string;
  price: string;
}

/**
 * The deal's product lines: the lead's linked catalog elements with their quantities, resolved
 * to name, SKU and price. `null` when the lead does not exist.
 */
export async function readLeadLines(
  client: Pick<AmoClient, 'getLead' | 'getCatalogElements'>,
  leadId: number,
  codes: ProductFieldCodes,
  currency: string,
): Promise<DealLineInput[] | null> {
  const lead = await client.getLead(leadId, ['catalog_elements']);
  if (!lead) return null;
  const links = lead._embedded?.catalog_elements ?? [];

  const idsByCatalog = new Map<number, number[]>();
  for (const link of links) {
    const ids = idsByCatalog.get(link.metadata.catalog_id) ?? [];
    ids.push(link.id);
    idsByCatalog.set(link.metadata.catalog_id, ids);
  }
  const elements = new Map<number, CatalogElement>();
  for (const [catalogId, ids] of idsByCatalog) {
    for (const el of await client.getCatalogElements(catalogId, [...new Set(ids)])) elements.set(el.id, el);
  }

  return links.map((link) => {
    const el = elements.get(link.id);
    const sku = el ? fieldValue(el, codes.sku) : undefined;
    const price = el ? fieldValue(el, codes.price) : undefined;
    const amount = price === undefined ? Number.NaN : Number(price);
    return {
      elementId: link.id,
      sku: typeof sku === 'string' || typeof sku === 'number' ? String(sku).trim() || null : null,
      name: el?.name ?? `#${link.id}`,
      quantity: link.metadata.quantity,
      price: Number.isFinite(amount) ? { amount, currency } : null,
    };
  });
}

function fieldValue(el: CatalogElement, code: string): unknown {
  const field = el.custom_fields_values?.find((f) => f.field_code === code);
  return field?.values?.[0]?.value ?? undefined;
}
