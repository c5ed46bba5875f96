const KINDS: Record<string, string> = { Catalog: 'Справочник', Document: 'Документ' };

/**
 * A navigation link the 1C client opens (`e1c://server/cluster/base#e1cib/data/Документ.X?ref=...`).
 * 1C writes the ref as the GUID's groups in the order 4, 5, 3, 2, 1 without dashes.
 */
export function navigationLink(base: string | undefined, resource: string, id: string): string | null {
  if (!base) return null;
  const [kind = '', ...rest] = resource.split('_');
  const type = KINDS[kind];
  const parts = id.toLowerCase().split('-');
  if (!type || parts.length !== 5) return null;
  const [a, b, c, d, e] = parts as [string, string, string, string, string];
  return `${base.replace(/#.*$/, '')}#e1cib/data/${type}.${rest.join('_')}?ref=${d}${e}${c}${b}${a}`;
}

export const links = (opts: { linkBase?: string; customerCatalog: string; invoiceDocument: string }) => ({
  customer: (id: string) => navigationLink(opts.linkBase, opts.customerCatalog, id),
  invoice: (id: string) => navigationLink(opts.linkBase, opts.invoiceDocument, id),
});
