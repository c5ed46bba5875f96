import type { ErpLoopSettings, SettingsView, Stage } from '@erp-bridge/shared';
import { useState } from 'preact/hooks';
import type { ApiFailure, WidgetApiClient } from '../api-client.js';
import { toFailure } from '../api-client.js';
import type { SettingsMessages } from '../i18n.js';
import type { Catalog } from './catalog.js';
import { Check, Field } from './fields.js';

export interface LoopSectionProps {
  view: SettingsView;
  t: SettingsMessages;
  catalog: Catalog | undefined;
  api: Pick<WidgetApiClient, 'saveSettings'>;
}

const DEFAULTS: ErpLoopSettings = {
  paidStage: null,
  cancelledTag: null,
  reserveStage: null,
  releaseOnLost: true,
  releaseStages: [],
  keepStages: [],
};
const key = (s: Stage | null) => (s ? `${s.pipelineId}:${s.statusId}` : '');
const parse = (v: string): Stage | null => {
  const [p, s] = v.split(':').map(Number);
  return p && s ? { pipelineId: p, statusId: s } : null;
};

/** One stage (or none) picked from the account's pipelines, with amoCRM's stage names. */
function StageChoice(props: {
  label: string;
  field: string;
  value: Stage | null;
  catalog: Catalog | undefined;
  t: SettingsMessages;
  onValue: (s: Stage | null) => void;
}) {
  const { catalog, t, value } = props;
  return (
    <Field label={props.label} field={props.field}>
      <select
        class="erpb-input"
        name={props.field}
        value={key(value)}
        onChange={(e) => props.onValue(parse((e.target as HTMLSelectElement).value))}
      >
        <option value="">{t.loop_none}</option>
        {(catalog?.pipelines ?? []).map((p) =>
          p.stages.map((s) => (
            <option key={`${p.id}:${s.id}`} value={`${p.id}:${s.id}`}>
              {catalog && catalog.pipelines.length > 1 ? `${p.name}: ${s.name}` : s.name}
            </option>
          )),
        )}
        {value && !catalog && <option value={key(value)}>{key(value)}</option>}
      </select>
    </Field>
  );
}

/**
 * Issue 15's mappings: invoice paid -> stage, cancelled -> tag, reserve stage, release when lost.
 * Saved on its own (PUT /api/v1/settings with `loop` only: a PUT changes exactly what it names).
 */
export function LoopSection({ view, t, catalog, api }: LoopSectionProps) {
  const [loop, setLoop] = useState<ErpLoopSettings>({ ...DEFAULTS, ...view.loop });
  const [op, setOp] = useState<{ busy?: boolean; saved?: boolean; failure?: ApiFailure } | null>(null);
  const set = (patch: Partial<ErpLoopSettings>) => {
    setLoop({ ...loop, ...patch });
    setOp(null);
  };
  const save = () => {
    setOp({ busy: true });
    api.saveSettings({ loop }).then(
      () => setOp({ saved: true }),
      (err: unknown) => setOp({ failure: toFailure(err) }),
    );
  };
  return (
    <fieldset class="erpb-section" data-section="loop">
      <legend>{t.loop_title}</legend>
      <StageChoice
        label={t.loop_paid_stage}
        field="loop.paidStage"
        value={loop.paidStage}
        catalog={catalog}
        t={t}
        onValue={(paidStage) => set({ paidStage })}
      />
      <Field label={t.loop_cancelled_tag} field="loop.cancelledTag">
        <input
          class="erpb-input"
          name="loop.cancelledTag"
          maxLength={64}
          value={loop.cancelledTag ?? ''}
          onInput={(e) => set({ cancelledTag: (e.target as HTMLInputElement).value.trim() || null })}
        />
      </Field>
      <StageChoice
        label={t.loop_reserve_stage}
        field="loop.reserveStage"
        value={loop.reserveStage}
        catalog={catalog}
        t={t}
        onValue={(reserveStage) => set({ reserveStage })}
      />
      <Check
        label={t.loop_release_on_lost}
        checked={loop.releaseOnLost}
        onChange={(releaseOnLost) => set({ releaseOnLost })}
      />
      <button type="button" class="erpb-btn" data-testid="erpb-loop-save" disabled={op?.busy} onClick={save}>
        {t.save}
      </button>
      <span class="erpb-sr" role="status">
        {op?.saved ? t.saved : op?.failure ? t.invalid : ''}
      </span>
    </fieldset>
  );
}
