import { ErpError, type ErpOrder } from '../connector.js';
import type { RestContext } from './context.js';
import type { RestMapping } from './mapping.js';
import { stateReader } from './state-rules.js';
import { readString } from './values.js';

export type OrderSpec = NonNullable<RestMapping['createOrder']>;
export type OrderState = 'draft' | 'reserved' | 'released';

export interface OrderRecord {
  id: string;
  number: string | null;
  state: OrderState;
}

/** Reading orders the mapping's way: lookup records, the create answer, and the fetch by {orderId}. */
export function createOrderRecords(ctx: RestContext, spec: OrderSpec) {
  const stateOf = stateReader(ctx, spec.states);
  const readers = (f: OrderSpec['fetch']['response']['fields']) => ({
    id: ctx.r(f.id),
    number: ctx.opt(f.number),
  });
  const fetched = readers(spec.fetch.response.fields);

  function record(operation: string, rec: unknown, f: ReturnType<typeof readers>): OrderRecord {
    return ctx.parse(operation, () => {
      const state = stateOf(rec);
      if (state === null)
        throw new ErpError(
          'invalid_response',
          `${ctx.mapping.name} ${operation}: an order state no rule of the mapping names`,
        );
      return {
        id: readString(rec, f.id, true),
        number: f.number ? readString(rec, f.number, false) : null,
        state,
      };
    });
  }

  return {
    /** Orders a previous attempt made under this key; released ones no longer count. */
    async lookup(vars: Record<string, unknown>): Promise<OrderRecord | undefined> {
      const body = await ctx.send('order lookup', spec.lookup.request, vars, { retry: true });
      const list = ctx.list('order lookup', body, spec.lookup.response.records);
      const f = readers(spec.lookup.response.fields);
      return list.map((rec) => record('order lookup', rec, f)).find((o) => o.state !== 'released');
    },
    async fetch(orderId: string): Promise<OrderRecord> {
      const vars = { orderId, currency: ctx.mapping.currency };
      const body = await ctx.send('read order', spec.fetch.request, vars, { retry: true });
      return record('read order', ctx.one('read order', body, spec.fetch.response.record), fetched);
    },
    /** The id in a create answer (Odoo answers just `[id]`). */
    createdId(body: unknown): string {
      const rec = ctx.one('create order', body, spec.response.record);
      return ctx.parse('create order', () => readString(rec, ctx.r(spec.response.fields.id), true));
    },
    async confirm(orderId: string) {
      for (const r of spec.confirm ?? []) {
        await ctx.send('confirm order', r, { orderId, currency: ctx.mapping.currency }, { retry: false });
      }
    },
    toOrder(o: OrderRecord, reserved: Record<string, number>): ErpOrder {
      return {
        id: o.id,
        number: o.number ?? o.id,
        reserved: o.state === 'reserved' ? reserved : {},
        link: ctx.linkTo(spec.link, { orderId: o.id }),
      };
    },
  };
}
