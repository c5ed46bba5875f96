import type { ODataClient } from './http.js';
import type { OneCOptions } from './options.js';

/** What every part of the connector shares: its options and one HTTP client. */
export interface OneCContext {
  opts: OneCOptions;
  http: ODataClient;
  /** Characters of $filter / Condition text one request may carry. */
  filterBudget(resource: string): number;
}
