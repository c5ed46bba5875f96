import type { Customer } from '../connector.js';
import type { OneCContext } from './context.js';
import { str } from './odata.js';
import { type CustomerRow, collection, customerRow } from './schemas.js';

/** How many matches a name search shows a person. */
const SEARCH_LIMIT = 20;

/** A counterparty row as a Customer: phone and e-mail from the contact information section. */
export function oneCCustomerOf(ctx: OneCContext) {
  const { phone, email } = ctx.opts.contactTypes;
  return (row: CustomerRow): Customer => ({
    id: row.id.toLowerCase(),
    name: row.name,
    inn: row.inn,
    phone: row.contacts.find((c) => c.type === phone)?.text || null,
    email: row.contacts.find((c) => c.type === email)?.text || null,
  });
}

/**
 * Customers whose name contains the text: OData v3 `substringof(needle, Description)` on the
 * counterparty catalog (the 1C standard interface answers the v3 string functions; its string
 * comparison ignores case), marked-for-deletion rows left out.
 */
export function oneCCustomerSearch(ctx: OneCContext) {
  const { opts, http } = ctx;
  const toCustomer = oneCCustomerOf(ctx);
  const schema = collection(customerRow(opts.innField, opts.contactSection));
  return async (text: string, call?: { signal?: AbortSignal }): Promise<Customer[]> => {
    const needle = text.trim();
    if (needle === '') return [];
    const page = await http.get(
      opts.customerCatalog,
      {
        $filter: `substringof(${str(needle)}, Description) and DeletionMark eq false`,
        $select: `Ref_Key,Description,${opts.innField},${opts.contactSection}`,
        $orderby: 'Description',
        $top: SEARCH_LIMIT,
      },
      schema,
      { signal: call?.signal },
    );
    return page.value.map(toCustomer);
  };
}
