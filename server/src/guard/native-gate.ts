import type { GuardRules } from '@erp-bridge/shared';
import type { AmoClient } from '../amocrm/client.js';

/** Code of our "stock checked" deal field, so setup finds it again instead of creating a second. */
export const STOCK_CHECKED_CODE = 'ERPB_STOCK_CHECKED';

const FIELD_NAMES = { ru: 'Остатки проверены (erp-bridge)', en: 'Stock checked (erp-bridge)' } as const;

/**
 * amoCRM has no pre-save hook, but it does refuse, in its own UI, to move a deal into a stage
 * whose required field is empty. So: an API-only checkbox ("stock checked") required for the gated
 * stages, set by the guard only while stock is OK. Idempotent; `enable: false` lifts the
 * requirement (the field stays, so history is kept).
 */
export async function setupNativeGate(
  amo: Pick<AmoClient, 'listLeadCustomFields' | 'createLeadCustomFields' | 'patchLeadCustomFields'>,
  rules: GuardRules,
  opts: { enable: boolean; language: 'ru' | 'en' },
): Promise<{ fieldId: number; requiredStatuses: number }> {
  const required = opts.enable
    ? rules.gatedStages.map((s) => ({ pipeline_id: s.pipelineId, status_id: s.statusId }))
    : [];
  const existing = (await amo.listLeadCustomFields()).find((f) => f.code === STOCK_CHECKED_CODE);
  if (!existing) {
    const [created] = await amo.createLeadCustomFields([
      {
        name: FIELD_NAMES[opts.language],
        type: 'checkbox',
        code: STOCK_CHECKED_CODE,
        is_api_only: true,
        required_statuses: required,
      },
    ]);
    if (!created) throw new Error('amoCRM did not create the stock-checked field');
    return { fieldId: created.id, requiredStatuses: required.length };
  }
  const same =
    JSON.stringify((existing.required_statuses ?? []).map((s) => [s.pipeline_id, s.status_id]).sort()) ===
    JSON.stringify(required.map((s) => [s.pipeline_id, s.status_id]).sort());
  if (!same || !existing.is_api_only)
    await amo.patchLeadCustomFields([{ id: existing.id, is_api_only: true, required_statuses: required }]);
  return { fieldId: existing.id, requiredStatuses: required.length };
}
