import type { InvoicePosition } from '../connector.js';
import { ErpError } from '../connector.js';
import { GUID_RE } from './odata.js';

/**
 * What every document 1C is asked to create must have, checked before any request: a usable
 * key, a customer Ref_Key and positive quantities. null = fine; else the non-retryable refusal.
 */
export function documentInputError(
  input: { idempotencyKey: string; customerId: string; positions: readonly InvoicePosition[] },
  what: 'an invoice' | 'an order',
): ErpError | null {
  if (!/^\S{1,128}$/.test(input.idempotencyKey))
    return new ErpError('validation', 'idempotency key must be 1-128 characters without spaces');
  if (!GUID_RE.test(input.customerId))
    return new ErpError('validation', `1C customer ${input.customerId}: not a Ref_Key`);
  if (input.positions.length === 0) return new ErpError('validation', `${what} needs positions`);
  const bad = input.positions.find((p) => !(Number.isFinite(p.quantity) && p.quantity > 0));
  return bad ? new ErpError('validation', `quantity of ${bad.sku} must be positive`) : null;
}
