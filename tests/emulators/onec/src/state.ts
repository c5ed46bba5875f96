import type { Row } from './filter.js';

/** A catalog or a document list: `Catalog_X`, `Document_X`. Tabular sections are arrays on each row. */
export interface EntitySet {
  name: string;
  fields: string[];
  /** Tabular section name -> its row fields (besides LineNumber). Published as `<Set>_<Section>` too. */
  sections: Record<string, string[]>;
  rows: Row[];
}

/** A register's records; its virtual tables (Balance, SliceLast) are computed from them. */
export interface Register {
  name: string;
  kind: 'accumulation' | 'information';
  dimensions: string[];
  resources: string[];
  /** Each record: dimension values, resource values and, for periodic registers, Period. */
  rows: Row[];
}

export interface OneCState {
  sets: Map<string, EntitySet>;
  registers: Map<string, Register>;
  /** Names the administrator left out of the OData publication: they answer 404. */
  unpublished: Set<string>;
  nextInvoiceNumber: number;
  invoiceDocument: string;
  stockRegister: string;
  refs: {
    items: Record<string, string>;
    warehouses: Record<string, string>;
    customers: Record<string, string>;
    priceType: string;
  };
}
