import type { AmoEmulatorOptions } from '@erp-bridge/emulator-amocrm';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type Stack, startStack } from './stack.js';

export interface MoySkladStack extends Stack {
  moysklad: StartedMoySkladEmulator;
}

/**
 * The test stack with MoySklad as its ERP: a MoySklad emulator taking `token`, and the backend
 * configured for it (ERP_KIND=moysklad). close() stops both.
 */
export async function startMoySkladStack(
  token: string,
  opts: { emulator?: Partial<AmoEmulatorOptions>; env?: Record<string, string> } = {},
): Promise<MoySkladStack> {
  const moysklad = await startMoySkladEmulator({ token });
  try {
    const stack = await startStack({
      emulator: opts.emulator,
      env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: token, MOYSKLAD_API_BASE: moysklad.url, ...opts.env },
    });
    return {
      ...stack,
      moysklad,
      async close() {
        await stack.close();
        await moysklad.close();
      },
    };
  } catch (err) {
    await moysklad.close();
    throw err;
  }
}

/**
 * ERP stock reads in the MoySklad emulator's call log: one read asks the stock report once per
 * stockType (free, stock, in transit), so only the free-stock requests are counted.
 */
export const moyskladStockReads = (moysklad: StartedMoySkladEmulator) =>
  moysklad.calls.filter(
    (c) =>
      c.path.endsWith('/report/stock/bystore/current') &&
      new URLSearchParams(c.query).get('stockType') === 'freeStock',
  ).length;

/** The MoySklad invoice the backend made for a deal (its externalCode names account and deal). */
export const moyskladInvoiceOf = (moysklad: StartedMoySkladEmulator, accountId: number, leadId: number) =>
  moysklad.state.documents.find(
    (d) => d.type === 'invoiceout' && d.externalCode.startsWith(`erpb-${accountId}-${leadId}-`),
  );
