import type { Money, WarehouseStock } from '@erp-bridge/shared';

/** What an ERP knows about one SKU. A SKU missing from a snapshot is unknown, never zero. */
export interface ErpItemStock {
  sku: string;
  name: string | null;
  price: Money | null;
  warehouses: WarehouseStock[];
}

export interface StockSnapshot {
  items: Map<string, ErpItemStock>;
  /** When the ERP produced these figures. */
  asOf: Date;
}

export interface Warehouse {
  id: string;
  name: string;
}

/**
 * One ERP or stock system. Adding an ERP is adding a folder under erp/ that implements this,
 * proven by the shared contract test suite.
 */
export interface ErpConnector {
  readonly kind: 'local' | 'moysklad' | 'onec' | 'rest';
  /** Free stock per warehouse for every SKU asked about, in as few ERP calls as the ERP allows. */
  getStock(skus: readonly string[]): Promise<StockSnapshot>;
  listWarehouses(): Promise<Warehouse[]>;
  health(): Promise<{ ok: boolean; detail?: string }>;
}

export class ErpError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
