import type { LeadField } from '../entities.js';
import type { CustomFieldValue, EmulatorState } from '../state.js';

/**
 * Fields whose `required_statuses` name the stage and that have no value: amoCRM's UI refuses to
 * move (or create) a lead into that stage until they are filled.
 */
export function missingRequiredFields(
  state: EmulatorState,
  values: readonly CustomFieldValue[],
  pipelineId: number,
  statusId: number,
): LeadField[] {
  return [...state.leadFields.values()].filter(
    (f) =>
      f.requiredStatuses.some((r) => r.pipeline_id === pipelineId && r.status_id === statusId) &&
      !values.some((v) => v.field_id === f.id && v.values.some((x) => x.value !== '' && x.value !== false)),
  );
}
