import type { CustomFieldValue } from '../state.js';

/** The name, code and type a value is shown with; absent when the field was deleted. */
type FieldLabel = { name: string; code: string | null; type: string } | undefined;

/** Field values carry the field's name, code and type beside its id, as amoCRM returns them. */
export function labelledValues(values: readonly CustomFieldValue[], fieldOf: (id: number) => FieldLabel) {
  return values.map((v) => {
    const field = fieldOf(v.field_id);
    return {
      field_id: v.field_id,
      field_name: field?.name ?? '',
      field_code: field?.code ?? null,
      field_type: field?.type ?? 'text',
      values: v.values.map((x) => ({ ...x })),
    };
  });
}
