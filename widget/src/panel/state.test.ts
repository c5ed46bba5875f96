import type { StockReport } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { initialState, isSavedLeadId, stateFromReport } from './state.js';

const report = (lines: StockReport['lines']): StockReport => ({
  leadId: 1,
  status: lines.length === 0 ? 'empty' : 'ok',
  lines,
  asOf: '2026-01-01T00:00:00Z',
  stale: false,
  source: 'local',
});

describe('initialState', () => {
  it('says "not configured" before anything else when there is no backend', () => {
    expect(initialState('', 0).kind).toBe('not-configured');
    expect(initialState('', 5).kind).toBe('not-configured');
  });
  it('shows the unsaved-card message for lead 0 (a new card)', () => {
    expect(initialState('https://b.example', 0).kind).toBe('unsaved');
  });
  it('loads for a saved lead', () => {
    expect(initialState('https://b.example', 1001).kind).toBe('loading');
  });
});

describe('isSavedLeadId', () => {
  it('accepts only positive integers', () => {
    expect(isSavedLeadId(1)).toBe(true);
    expect(isSavedLeadId(0)).toBe(false);
    expect(isSavedLeadId(-3)).toBe(false);
    expect(isSavedLeadId(Number.NaN)).toBe(false);
    expect(isSavedLeadId(1.5)).toBe(false);
  });
});

describe('stateFromReport', () => {
  it('is empty for a deal without products, data otherwise', () => {
    expect(stateFromReport(report([])).kind).toBe('empty');
    const line = {
      elementId: 1,
      sku: 'A',
      name: 'A',
      requested: 1,
      price: null,
      warehouses: [],
      freeTotal: null,
      status: 'unknown' as const,
    };
    expect(stateFromReport(report([line])).kind).toBe('data');
  });
});
