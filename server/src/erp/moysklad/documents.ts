import { type ErpDocument, ErpError } from '../connector.js';
import type { MoySkladContext } from './context.js';
import { fromKopecks, moscowToIso } from './mapping.js';
import * as S from './schemas.js';

const RECENT_DOCUMENTS = 5;

export function isoOrThrow(value: string, field: string): string {
  const iso = moscowToIso(value);
  if (!iso)
    throw new ErpError('invalid_response', `MoySklad: ${field} "${value}" is not a MoySklad datetime`);
  return iso;
}

export const toDocument = (ctx: MoySkladContext, d: S.Document): ErpDocument => ({
  id: d.id,
  number: d.name,
  date: isoOrThrow(d.moment, 'moment'),
  sum: fromKopecks(d.sum, ctx.currency),
  status: d.state?.name ?? null,
});

/** The latest orders or invoices of one counterparty, newest first. */
export async function recentDocuments(
  ctx: MoySkladContext,
  type: 'customerorder' | 'invoiceout',
  agentHref: string,
  signal?: AbortSignal,
): Promise<ErpDocument[]> {
  const page = await ctx.http.request({
    path: `/entity/${type}`,
    query: { filter: `agent=${agentHref}`, order: 'moment,desc', limit: RECENT_DOCUMENTS, expand: 'state' },
    schema: S.list(S.Document),
    signal,
  });
  return page.rows.map((d) => toDocument(ctx, d));
}
