import type { CatalogField, CatalogGroup, CatalogPipeline, CatalogUser, Stage } from '@erp-bridge/shared';
import { fill } from '../format.js';
import type { SettingsMessages } from '../i18n.js';
import { Check, Field, type FieldProps } from './fields.js';

const stageKey = (s: Stage) => `${s.pipelineId}:${s.statusId}`;

/** amoCRM's own stage colour beside the name, as its pipeline board shows it. */
function Swatch({ color }: { color: string }) {
  return <span class="erpb-swatch" style={{ background: color }} aria-hidden="true" />;
}

/** Gated stages: every open stage of every pipeline, ticked = gated. */
export function StagePicker(
  props: FieldProps & { pipelines: CatalogPipeline[]; value: Stage[]; onValue: (v: Stage[]) => void },
) {
  const { pipelines, value, onValue, ...field } = props;
  const picked = new Set(value.map(stageKey));
  const toggle = (stage: Stage, on: boolean) =>
    onValue(on ? [...value, stage] : value.filter((s) => stageKey(s) !== stageKey(stage)));
  return (
    <fieldset class="erpb-picker" data-field={field.field} aria-label={field.label}>
      <legend class="erpb-label">{field.label}</legend>
      {pipelines.map((p) => (
        <div key={p.id} data-pipeline={p.id}>
          {pipelines.length > 1 && <p class="erpb-picker-group">{p.name}</p>}
          {p.stages
            .filter((s) => !s.closed)
            .map((s) => {
              const stage = { pipelineId: p.id, statusId: s.id };
              const on = picked.has(stageKey(stage));
              return (
                <Check
                  key={s.id}
                  checked={on}
                  onChange={(next) => toggle(stage, next)}
                  attrs={{
                    'data-stage-option': stageKey(stage),
                    'data-stage': on ? stageKey(stage) : undefined,
                  }}
                  label={
                    <>
                      <Swatch color={s.color} /> {s.name}
                    </>
                  }
                />
              );
            })}
        </div>
      ))}
      {field.hint && <span class="erpb-hint">{field.hint}</span>}
    </fieldset>
  );
}

/** One stage (the guard's "move to" target), from the pipelines' open and closed stages. */
export function StageSelect(
  props: FieldProps & {
    pipelines: CatalogPipeline[];
    value: Stage;
    onValue: (v: Stage) => void;
    t: SettingsMessages;
  },
) {
  const { pipelines, value, onValue, t, ...field } = props;
  const current = value.statusId ? stageKey(value) : '';
  return (
    <Field {...field}>
      <select
        class="erpb-input"
        name="guard-action-stage"
        value={current}
        aria-invalid={field.error ? 'true' : undefined}
        onChange={(e) => {
          const [pipelineId = 0, statusId = 0] = e.currentTarget.value.split(':').map(Number);
          onValue({ pipelineId, statusId });
        }}
      >
        <option value="">{t.pick_none}</option>
        {pipelines.map((p) => (
          <optgroup key={p.id} label={p.name}>
            {p.stages.map((s) => (
              <option key={s.id} value={`${p.id}:${s.id}`}>
                {s.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </Field>
  );
}

/** Ticked ids out of a list (users or groups); ids saved earlier that amoCRM no longer has stay visible. */
export function IdChecklist(
  props: FieldProps & {
    items: (CatalogUser | CatalogGroup)[];
    value: number[];
    onValue: (v: number[]) => void;
    name: string;
    t: SettingsMessages;
  },
) {
  const { items, value, onValue, name, t, ...field } = props;
  const known = new Set(items.map((i) => i.id));
  const rows = [
    ...items,
    ...value
      .filter((id) => !known.has(id))
      .map((id) => ({ id, name: fill(t.not_in_amo, { id: String(id) }) })),
  ];
  return (
    <fieldset class="erpb-picker" data-field={field.field} aria-label={field.label}>
      <legend class="erpb-label">{field.label}</legend>
      {rows.map((item) => (
        <Check
          key={item.id}
          checked={value.includes(item.id)}
          onChange={(on) => onValue(on ? [...value, item.id] : value.filter((x) => x !== item.id))}
          attrs={{ [`data-${name}`]: String(item.id) }}
          label={item.name}
        />
      ))}
      {field.hint && <span class="erpb-hint">{field.hint}</span>}
    </fieldset>
  );
}

/** One id out of a list, or none (`noneLabel`). */
export function IdSelect(
  props: FieldProps & {
    items: { id: number; label: string }[];
    value: number | null;
    onValue: (v: number | null) => void;
    noneLabel: string;
    name: string;
    t: SettingsMessages;
  },
) {
  const { items, value, onValue, noneLabel, name, t, ...field } = props;
  const missing = value !== null && !items.some((i) => i.id === value);
  return (
    <Field {...field}>
      <select
        class="erpb-input"
        name={name}
        value={value === null ? '' : String(value)}
        onChange={(e) => onValue(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
      >
        <option value="">{noneLabel}</option>
        {items.map((i) => (
          <option key={i.id} value={String(i.id)}>
            {i.label}
          </option>
        ))}
        {missing && <option value={String(value)}>{fill(t.not_in_amo, { id: String(value) })}</option>}
      </select>
    </Field>
  );
}

/** Custom fields as select options: "Name (type)". */
export const fieldOptions = (fields: CatalogField[], types?: string[]) =>
  fields
    .filter((f) => !types || types.includes(f.type))
    .map((f) => ({ id: f.id, label: `${f.name} (${f.type})` }));
