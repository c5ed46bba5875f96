import { randomUUID } from 'node:crypto';
import type { Row } from './filter.js';
import { moscowNow } from './ids.js';
import { INVOICE_CANCELLED_FIELD, PAYMENT_DOCUMENT, PAYMENT_SECTION } from './loop-entities.js';
import { EMPTY_REF } from './seed.js';
import type { OneCState } from './state.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * What an accountant does in the infobase (tests drive it). A payment is a posted bank receipt
 * whose РасшифровкаПлатежа row names the invoice in ОснованиеПлатежа, a composite reference, so
 * its type travels beside it in ОснованиеПлатежа_Type as `StandardODATA.<EntitySet>` (platform
 * docs, "Стандартный интерфейс OData", composite types:
 * https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358). 1C keeps no "paid" flag on the invoice:
 * what is paid is what posted, undeleted payment documents say.
 */
export function createLoopControls(state: OneCState) {
  const invoice = (id: string) => {
    const row = state.sets.get(state.invoiceDocument)?.rows.find((r) => r.Ref_Key === id.toLowerCase());
    if (!row) throw new Error(`1C emulator: no invoice ${id}`);
    return row;
  };
  const payments = () => {
    const set = state.sets.get(PAYMENT_DOCUMENT);
    if (!set) throw new Error('1C emulator: payments are not seeded');
    return set;
  };
  let number = 1;
  return {
    /** A bank receipt of `amount` against the invoice; its Ref_Key. */
    pay(invoiceId: string, amount: number, opts: { posted?: boolean } = {}): string {
      const inv = invoice(invoiceId);
      const ref = randomUUID();
      const row: Row = {
        Ref_Key: ref,
        DataVersion: 'AAAAAQAAAAA=',
        DeletionMark: false,
        Number: `ПБ-${String(number++).padStart(6, '0')}`,
        Date: moscowNow(),
        Posted: opts.posted ?? true,
        Контрагент_Key: inv.Контрагент_Key,
        СуммаДокумента: round2(amount),
        Комментарий: '',
        [PAYMENT_SECTION]: [
          {
            LineNumber: '1',
            ОснованиеПлатежа: inv.Ref_Key,
            ОснованиеПлатежа_Type: `StandardODATA.${state.invoiceDocument}`,
            Заказ: EMPTY_REF,
            Заказ_Type: 'StandardODATA.Undefined',
            Сумма: round2(amount),
          },
        ],
      };
      payments().rows.push(row);
      return ref;
    },
    /** The accountant unposts a payment (a wrong receipt): it no longer pays anything. */
    unpostPayment(paymentId: string): void {
      const row = payments().rows.find((r) => r.Ref_Key === paymentId);
      if (row) row.Posted = false;
    },
    /** The invoice is annulled (УТ 11 «Аннулирован») or marked for deletion. */
    cancelInvoice(invoiceId: string, how: 'annul' | 'delete' = 'annul'): void {
      const inv = invoice(invoiceId);
      if (how === 'annul') inv[INVOICE_CANCELLED_FIELD] = true;
      else inv.DeletionMark = true;
    },
  };
}

export type OneCLoopControls = ReturnType<typeof createLoopControls>;
