import { type LeadCreate, prepareLeadCreate } from './leads/create.js';
import { prepareLeadPatch } from './leads/patch.js';
import { DEMO_ACCOUNT } from './seed.js';
import type { EmulatorState } from './state.js';

export type UiResult = { ok: true; leadId: number } | { ok: false; reason: string };

export interface UiLeadInput extends LeadCreate {
  /** The manager acting (default: the sandbox's manager). */
  userId?: number;
}

/**
 * What a manager does in amoCRM's UI (board drag-and-drop, card save). The UI enforces
 * `required_statuses`; the change is then reported to webhooks like any other.
 */
export function uiMoveLead(
  state: EmulatorState,
  leadId: number,
  statusId: number,
  pipelineId?: number,
  userId: number = DEMO_ACCOUNT.userId,
): UiResult {
  const lead = state.leads.get(leadId);
  if (!lead) return { ok: false, reason: `Lead ${leadId} not found` };
  const prepared = prepareLeadPatch(
    state,
    lead,
    { status_id: statusId, pipeline_id: pipelineId },
    { userId, source: 'ui', enforceRequired: true },
  );
  if (!prepared.ok) return { ok: false, reason: prepared.errors.map((e) => e.detail).join('; ') };
  state.emitLeadChanges([prepared.apply()]);
  return { ok: true, leadId };
}

export function uiCreateLead(state: EmulatorState, input: UiLeadInput): UiResult {
  const { userId = DEMO_ACCOUNT.userId, ...rest } = input;
  const prepared = prepareLeadCreate(state, rest, { userId, source: 'ui', enforceRequired: true });
  if (!prepared.ok) return { ok: false, reason: prepared.errors.map((e) => e.detail).join('; ') };
  const change = prepared.apply();
  state.emitLeadChanges([change]);
  return { ok: true, leadId: change.lead.id };
}
