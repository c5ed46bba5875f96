import type { StockReport } from '@erp-bridge/shared';
import type { ApiFailure } from '../api-client.js';

/** Everything the panel can show; `kind` doubles as the root's data-state hook for tests. */
export type PanelState =
  | { kind: 'not-configured' }
  | { kind: 'unsaved' }
  | { kind: 'loading' }
  | { kind: 'empty'; report: StockReport; refreshing?: boolean }
  | { kind: 'data'; report: StockReport; refreshing?: boolean }
  | { kind: 'error'; failure: ApiFailure };

/** What the panel shows before (or instead of) asking the backend. */
export function initialState(backend: string, leadId: number): PanelState {
  if (backend === '') return { kind: 'not-configured' };
  if (!isSavedLeadId(leadId)) return { kind: 'unsaved' };
  return { kind: 'loading' };
}

/** amoCRM gives 0 for a new card; anything not a positive integer has no lead behind it yet. */
export function isSavedLeadId(leadId: number): boolean {
  return Number.isInteger(leadId) && leadId > 0;
}

export function stateFromReport(report: StockReport): PanelState {
  return report.lines.length === 0 ? { kind: 'empty', report } : { kind: 'data', report };
}
