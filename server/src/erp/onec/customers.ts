import type { Customer, CustomerQuery } from '../connector.js';
import { emailsIn, phoneHint, phoneKey } from './contacts.js';
import type { OneCContext } from './context.js';
import { oneCCustomerOf } from './customer-search.js';
import { chunkByEncodedLength, guid, str } from './odata.js';
import { type CustomerRow, collection, contactRow, customerRow } from './schemas.js';

const PAGE = 500;

/**
 * Customers by INN (server side) and by phone or e-mail. 1C keeps phones and e-mails in the
 * catalog's contact information section, formatted as typed, so an exact OData filter would miss
 * "+7 (495) 123-45-67" when asked for 84951234567. The connector therefore asks the section's own
 * entity set (`Catalog_Контрагенты_КонтактнаяИнформация`) for rows of the right type whose text
 * contains a narrowing hint (the last two digits, or the address), and matches them here by
 * digits / lower-cased address. Owners are then read by Ref_Key.
 */
export function createCustomerFinder(ctx: OneCContext) {
  const { opts, http } = ctx;
  const select = `Ref_Key,Description,${opts.innField},${opts.contactSection}`;
  const customerSchema = collection(customerRow(opts.innField, opts.contactSection));
  const contactSchema = collection(contactRow);
  const contactSet = `${opts.customerCatalog}_${opts.contactSection}`;

  const toCustomer = oneCCustomerOf(ctx);

  async function ownersOfContacts(
    type: string,
    hint: string,
    matches: (text: string) => boolean,
    signal?: AbortSignal,
  ) {
    const owners = new Set<string>();
    const filter = `Тип eq ${str(type)} and substringof(${str(hint)}, Представление)`;
    for (let skip = 0; ; skip += PAGE) {
      const page = await http.get(
        contactSet,
        // Paging needs a stable order, or rows slip between pages.
        {
          $filter: filter,
          $select: 'Ref_Key,Тип,Представление',
          $orderby: 'Ref_Key,LineNumber',
          $top: PAGE,
          $skip: skip,
        },
        contactSchema,
        { signal },
      );
      for (const row of page.value) if (matches(row.text)) owners.add(row.ownerId.toLowerCase());
      if (page.value.length < PAGE) break;
    }
    return owners;
  }

  async function byRefs(ids: string[], signal?: AbortSignal): Promise<CustomerRow[]> {
    if (ids.length === 0) return [];
    const suffix = ' and DeletionMark eq false';
    const budget =
      ctx.filterBudget(opts.customerCatalog) - encodeURIComponent(`()${suffix}&$select=${select}`).length;
    const chunks = chunkByEncodedLength(
      ids.map((id) => `Ref_Key eq ${guid(id)}`),
      budget,
    );
    const pages = await Promise.all(
      chunks.map((terms) =>
        http.get(
          opts.customerCatalog,
          { $filter: `(${terms.join(' or ')})${suffix}`, $select: select },
          customerSchema,
          { signal },
        ),
      ),
    );
    return pages.flatMap((p) => p.value);
  }

  return {
    async find(query: CustomerQuery, signal?: AbortSignal): Promise<Customer[]> {
      const found = new Map<string, Customer>();
      const add = (rows: CustomerRow[]) => {
        for (const r of rows)
          if (!found.has(r.id.toLowerCase())) found.set(r.id.toLowerCase(), toCustomer(r));
      };
      const inn = query.inn?.replace(/\s/g, '');
      if (inn) {
        const page = await http.get(
          opts.customerCatalog,
          { $filter: `${opts.innField} eq ${str(inn)} and DeletionMark eq false`, $select: select },
          customerSchema,
          { signal },
        );
        add(page.value);
      }
      const owners = new Set<string>();
      const phone = query.phone ? phoneKey(query.phone) : '';
      // Fewer than 7 digits is not a phone anyone could be found by.
      if (phone.length >= 7) {
        const ids = await ownersOfContacts(
          opts.contactTypes.phone,
          phoneHint(phone),
          (t) => phoneKey(t) === phone,
          signal,
        );
        for (const id of ids) owners.add(id);
      }
      const email = query.email?.trim().toLowerCase();
      if (email?.includes('@')) {
        const ids = await ownersOfContacts(
          opts.contactTypes.email,
          email,
          (t) => emailsIn(t).includes(email),
          signal,
        );
        for (const id of ids) owners.add(id);
      }
      add(
        await byRefs(
          [...owners].filter((id) => !found.has(id)),
          signal,
        ),
      );
      return [...found.values()];
    },
  };
}
