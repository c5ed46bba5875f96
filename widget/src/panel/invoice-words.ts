import type { InvoiceRequest } from '@erp-bridge/shared';
import type { ApiFailure } from '../api-client.js';
import { fill } from '../format.js';
import type { Messages } from '../i18n.js';
import { failureText } from '../ui/common.js';

/** The translation of `key`, or undefined when there is none (the messages proxy answers a missing key with the key). */
export function known(t: Messages, key: string): string | undefined {
  const text = t[key as keyof Messages];
  return text === key ? undefined : text;
}

/** The request's refusal (problem `code` invoice.*) in the user's words; other codes as every failure. */
export function invoiceFailureText(failure: ApiFailure, t: Messages): string {
  const code = failure.code ?? '';
  return (code.startsWith('invoice.') && known(t, `inv_${code.slice(8)}`)) || failureText(failure, t);
}

export function statusLine(item: InvoiceRequest, t: Messages): string {
  if (item.status === 'pending') return t.inv_pending;
  if (item.status === 'failed') return t.inv_failed;
  return item.invoice ? fill(t.inv_created_short, { number: item.invoice.number }) : '';
}
