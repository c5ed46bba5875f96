/** A value in a webhook record: scalars, lists (`[0]`, `[1]`…) and nested records (`[key]`). */
export type WebhookValue = string | number | boolean | null | undefined | WebhookValue[] | WebhookRecord;
export interface WebhookRecord {
  [key: string]: WebhookValue;
}

/** One entry of a webhook body: `<entity>[<action>][i][...]`, e.g. leads / status. */
export interface AmoWebhookEvent {
  /** leads, contacts, companies, customers, task, … */
  entity: string;
  /** add, update, status, responsible, delete, restore, note, … */
  action: string;
  record: WebhookRecord;
}

export interface AmoWebhookAccount {
  id: number;
  subdomain: string;
  /** amocrm.ru (default), amocrm.com or kommo.com. */
  domain?: string;
}

/**
 * amoCRM's webhook body: application/x-www-form-urlencoded with PHP-style bracket keys, UTF-8,
 * '+' for spaces (as URLSearchParams and PHP's http_build_query write it). Events of one entity
 * and action are numbered together in order of appearance; the account block comes last. null
 * is sent as an empty value, booleans as 1 / 0, undefined is left out.
 */
export function encodeAmoWebhookBody(events: readonly AmoWebhookEvent[], account: AmoWebhookAccount): string {
  const params = new URLSearchParams();
  const groups = new Map<string, AmoWebhookEvent[]>();
  for (const event of events) {
    const key = `${event.entity}[${event.action}]`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  for (const [key, list] of groups) {
    list.forEach((event, i) => {
      flatten(params, `${key}[${i}]`, event.record);
    });
  }
  flatten(params, 'account', {
    id: account.id,
    subdomain: account.subdomain,
    _links: { self: `https://${account.subdomain}.${account.domain ?? 'amocrm.ru'}` },
  });
  return params.toString();
}

function flatten(params: URLSearchParams, prefix: string, value: WebhookValue): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') {
    params.append(
      prefix,
      value === null ? '' : typeof value === 'boolean' ? (value ? '1' : '0') : String(value),
    );
    return;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) flatten(params, `${prefix}[${k}]`, v);
}
