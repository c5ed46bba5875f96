import type { Lead } from '../state.js';

/** One lead added or changed, as the webhook sender needs it. */
export interface LeadChange {
  action: 'add' | 'update';
  /** The lead after the change (a copy). */
  lead: Lead;
  /** Values before the change (equal to the lead's for an add). */
  old: { statusId: number; pipelineId: number; responsibleUserId: number };
  /** Who changed it: the integration's user for API writes, the acting manager for the UI. */
  userId: number;
  source: 'api' | 'ui';
}

export const statusChanged = (c: LeadChange): boolean =>
  c.action === 'update' && (c.lead.statusId !== c.old.statusId || c.lead.pipelineId !== c.old.pipelineId);

export const responsibleChanged = (c: LeadChange): boolean =>
  c.action === 'update' && c.lead.responsibleUserId !== c.old.responsibleUserId;

export const snapshot = (lead: Lead): Lead => structuredClone(lead);
