import type { CallOptions, ErpOrder } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { navigationLink } from './links.js';
import { GUID_RE, guid } from './odata.js';
import { orderDocument } from './order-document.js';

/**
 * Releases an order's reserve with the platform's Unpost(): the order stays in 1C (a manager
 * still sees what the deal wanted) and its register records, the reserve among them, go. An
 * unposted order is left alone, so releasing twice asks 1C once more and changes nothing.
 */
export function oneCReleaseOrder(ctx: OneCContext) {
  const { opts, http } = ctx;
  const { row, select } = orderDocument(opts);
  return async (orderId: string, call?: CallOptions): Promise<ErpOrder> => {
    if (!GUID_RE.test(orderId)) throw new ErpError('not_found', `1C order ${orderId}: not a Ref_Key`);
    const resource = `${opts.orderDocument}(${guid(orderId)})`;
    const doc = await http.get(resource, { $select: select }, row, { signal: call?.signal });
    if (doc.posted)
      await http.post(`${resource}/Unpost()`, undefined, null, { idempotent: true, signal: call?.signal });
    return {
      id: doc.id,
      number: doc.number,
      reserved: {},
      link: navigationLink(opts.linkBase, opts.orderDocument, doc.id),
    };
  };
}
