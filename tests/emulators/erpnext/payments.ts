import { type ErpNextState, siteNow } from './app.js';
import type { Doc } from './seed.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Sales Invoice `status`, as SalesInvoice.set_status derives it after every payment
 * (erpnext/accounts/doctype/sales_invoice/sales_invoice.py; the list of values on
 * https://docs.frappe.io/erpnext/user/manual/en/sales-invoice "Statuses"): Draft, Cancelled,
 * Overdue (outstanding and past due, partly paid or not), Partly Paid, Unpaid, Credit Note Issued,
 * Return, Paid. Overdue wins over Partly Paid: the status alone does not say a payment came.
 */
export function invoiceStatus(inv: Doc, today = siteNow().slice(0, 10)): string {
  if (inv.docstatus === 2) return 'Cancelled';
  if (inv.docstatus !== 1) return 'Draft';
  const outstanding = Number(inv.outstanding_amount);
  const total = Number(inv.grand_total);
  const due = String(inv.due_date ?? inv.posting_date ?? today);
  if (outstanding > 0 && due < today) return 'Overdue';
  if (outstanding > 0 && outstanding < total) return 'Partly Paid';
  if (outstanding > 0) return 'Unpaid';
  if (inv.is_return) return 'Return';
  if (inv.credit_note_issued) return 'Credit Note Issued';
  return 'Paid';
}

/** Test controls: what an accountant does in ERPNext's own UI. */
export function createErpNextLoop(state: ErpNextState) {
  const invoice = (name: string) => {
    const inv = state.docs.get('Sales Invoice')?.find((d) => d.name === name);
    if (!inv) throw new Error(`no Sales Invoice ${name}`);
    return inv;
  };
  const touch = (inv: Doc) => {
    inv.status = invoiceStatus(inv);
    inv.modified = siteNow();
  };
  return {
    /**
     * A submitted Payment Entry (Receive) allocated against the invoice: its outstanding_amount
     * drops by the allocation (https://docs.frappe.io/erpnext/user/manual/en/payment-entry).
     */
    pay(name: string, amount: number) {
      const inv = invoice(name);
      if (inv.docstatus !== 1) throw new Error(`Sales Invoice ${name} is not submitted`);
      const entries = state.docs.get('Payment Entry') ?? [];
      state.docs.set('Payment Entry', entries);
      entries.push({
        name: `ACC-PAY-${String(entries.length + 1).padStart(5, '0')}`,
        doctype: 'Payment Entry',
        docstatus: 1,
        payment_type: 'Receive',
        party_type: 'Customer',
        party: inv.customer,
        paid_amount: amount,
        references: [{ reference_doctype: 'Sales Invoice', reference_name: name, allocated_amount: amount }],
      });
      inv.outstanding_amount = round2(Number(inv.outstanding_amount) - amount);
      touch(inv);
    },
    /** The invoice is cancelled (docstatus 2). */
    cancel(name: string) {
      const inv = invoice(name);
      inv.docstatus = 2;
      touch(inv);
    },
    /** Its due date moves into the past, as time does. */
    makeOverdue(name: string) {
      const inv = invoice(name);
      inv.due_date = '2000-01-01';
      touch(inv);
    },
  };
}

export type ErpNextLoop = ReturnType<typeof createErpNextLoop>;
