/** OData v3 literals and the URL shapes of 1C's standard interface. */

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string literal: single quotes doubled. */
export const str = (s: string) => `'${s.replaceAll("'", "''")}'`;

export function guid(g: string): string {
  if (!GUID_RE.test(g)) throw new Error(`not a GUID: ${g}`);
  return `guid'${g.toLowerCase()}'`;
}

/**
 * `field` refers to the object `id` of entity set `type`. The standard interface publishes a
 * reference of one type as `<Name>_Key` (compared with a guid) and a composite one as `<Name>` plus
 * `<Name>_Type` (compared with cast(guid'...', '<EntitySet>')): platform docs, "Стандартный
 * интерфейс OData", https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358.
 */
export function refersTo(field: string, id: string, type: string): string {
  return field.endsWith('_Key') ? `${field} eq ${guid(id)}` : `${field} eq cast(${guid(id)}, ${str(type)})`;
}

/**
 * Resource path with Cyrillic names percent-encoded (UTF-8) and OData punctuation (`/()'=,`) kept,
 * the way 1C's own clients write it.
 */
export function encodeResource(resource: string): string {
  return encodeURIComponent(resource).replace(/%2F/g, '/').replace(/%3D/g, '=').replace(/%2C/g, ',');
}

/**
 * Parameters of a virtual table: `Balance(Period=datetime'...',Condition='...')`. 1C's examples
 * write the Condition's inner quotes as they are; strict OData doubles them. Both are accepted.
 */
export function virtualTable(
  table: string,
  params: { period?: string; condition?: string },
  quoting: 'raw' | 'doubled',
): string {
  const parts: string[] = [];
  if (params.period) parts.push(`Period=datetime'${params.period}'`);
  if (params.condition) {
    const inner = quoting === 'doubled' ? params.condition.replaceAll("'", "''") : params.condition;
    parts.push(`Condition='${inner}'`);
  }
  return `${table}(${parts.join(',')})`;
}

/**
 * Splits `terms` into groups whose encoded ` or `-joined text fits `budget` characters, so a long
 * SKU or key list becomes several requests instead of one a proxy would refuse with 414.
 */
export function chunkByEncodedLength(terms: readonly string[], budget: number): string[][] {
  const sep = encodeURIComponent(' or ').length;
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const term of terms) {
    const len = encodeURIComponent(term).length;
    if (current.length > 0 && size + sep + len > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    size += (current.length ? sep : 0) + len;
    current.push(term);
  }
  if (current.length) chunks.push(current);
  return chunks;
}
