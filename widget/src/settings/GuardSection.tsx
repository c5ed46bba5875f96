import type { GuardRules, Stage } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { toFailure, type WidgetApiClient } from '../api-client.js';
import { fill } from '../format.js';
import type { SettingsMessages } from '../i18n.js';
import { ErrorBox, Spinner } from '../ui/common.js';
import { Check, Field, NumberInput, SelectField, TextField } from './fields.js';
import { IdSelect, StagePicker, StageSelect } from './pickers.js';
import type { Op, SectionProps } from './section.js';

/** The stock guard's rules, its default, and the native amoCRM gate with its state. */
export function GuardSection(props: SectionProps & { api: Pick<WidgetApiClient, 'guardSetup'> }) {
  const { view, draft, t, set, catalog, errorOf, api } = props;
  const guard = draft.guard;
  const setGuard = (patch: Partial<GuardRules>) => set('guard', patch);
  const [gate, setGate] = useState<Op<boolean>>(null);
  // The gate's field as the last setup / lift left it; before either, as the server saw it.
  const [gateField, setGateField] = useState<number | null>(view.guard.stockCheckedFieldId);
  const runGate = (enable: boolean) => {
    setGate({ busy: true });
    api.guardSetup(enable).then(
      (answer) => {
        setGate({ ok: enable });
        const id = (answer as { fieldId?: unknown } | null)?.fieldId;
        setGateField(enable && typeof id === 'number' ? id : null);
      },
      (error: unknown) => setGate({ failure: toFailure(error) }),
    );
  };
  const action = guard.action;
  const users = catalog?.users.filter((u) => u.isActive) ?? [];

  return (
    <fieldset class="erpb-section" data-section="guard">
      <legend>{t.sec_guard}</legend>
      <p class="erpb-notice" data-guard-default>
        {t.guard_default}
      </p>
      <Check label={t.guard_enabled} checked={guard.enabled} onChange={(enabled) => setGuard({ enabled })} />
      {catalog ? (
        <StagePicker
          label={t.gated}
          field="guard.gatedStages"
          hint={t.pick_empty}
          pipelines={catalog.pipelines}
          value={guard.gatedStages}
          onValue={(gatedStages) => setGuard({ gatedStages })}
        />
      ) : (
        <StageList t={t} stages={guard.gatedStages} onValue={(gatedStages) => setGuard({ gatedStages })} />
      )}
      <SelectField
        label={t.unknown_stock}
        value={guard.unknownStock}
        options={(['warn', 'block'] as const).map((k) => [k, t[`unknown_${k}`]])}
        onValue={(v) => setGuard({ unknownStock: v as GuardRules['unknownStock'] })}
      />
      <SelectField
        label={t.action}
        name="guard-action"
        field="guard.action"
        value={action.type}
        options={(['move_back', 'move_to', 'flag_only'] as const).map((k) => [k, t[`action_${k}`]])}
        onValue={(v) => {
          const type = v as GuardRules['action']['type'];
          setGuard({
            action: type === 'move_to' ? { type, stage: { pipelineId: 0, statusId: 0 } } : { type },
          });
        }}
      />
      {action.type === 'move_to' &&
        (catalog ? (
          <StageSelect
            label={t.stage_pick}
            field="guard.action.stage"
            error={errorOf('guard.action.stage')}
            pipelines={catalog.pipelines}
            value={action.stage}
            t={t}
            onValue={(stage) => setGuard({ action: { type: 'move_to', stage } })}
          />
        ) : (
          <Field label={t.stage_pick} field="guard.action.stage" error={errorOf('guard.action.stage')}>
            <StageInputs
              stage={action.stage}
              t={t}
              onChange={(stage) => setGuard({ action: { type: 'move_to', stage } })}
            />
          </Field>
        ))}
      <TextField
        label={t.tag}
        field="guard.tag"
        error={errorOf('guard.tag')}
        value={guard.tag}
        onValue={(tag) => setGuard({ tag })}
      />
      <Check
        label={t.create_task}
        checked={guard.createTask}
        onChange={(createTask) => setGuard({ createTask })}
      />
      {catalog ? (
        <IdSelect
          label={t.task_owner}
          name="guard-task-user"
          field="guard.taskResponsibleUserId"
          items={users.map((u) => ({ id: u.id, label: u.name }))}
          value={guard.taskResponsibleUserId}
          noneLabel={t.owner_deal}
          t={t}
          onValue={(taskResponsibleUserId) => setGuard({ taskResponsibleUserId })}
        />
      ) : (
        <Field label={t.task_user} hint={t.task_user_hint} field="guard.taskResponsibleUserId">
          <NumberInput
            value={guard.taskResponsibleUserId}
            onChange={(n) => setGuard({ taskResponsibleUserId: n })}
          />
        </Field>
      )}
      <p
        class={`erpb-result erpb-result--${gateField ? 'ok' : 'fail'}`}
        data-gate-status={gateField ? 'on' : 'off'}
      >
        {gateField ? fill(t.gate_status_on, { id: String(gateField) }) : t.gate_status_off}
      </p>
      <div class="erpb-actions">
        {[true, false].map((enable) => (
          <button
            key={String(enable)}
            type="button"
            class="erpb-btn"
            data-testid={enable ? 'erpb-guard-setup' : 'erpb-guard-lift'}
            disabled={gate?.busy}
            onClick={() => runGate(enable)}
          >
            {enable ? t.gate_setup : t.gate_lift}
          </button>
        ))}
        {gate?.busy && <Spinner />}
      </div>
      {gate?.ok !== undefined && (
        <p class="erpb-result erpb-result--ok" role="status" data-gate={gate.ok ? 'on' : 'off'}>
          {gate.ok ? t.gate_done : t.gate_lifted}
        </p>
      )}
      {gate?.failure && <ErrorBox failure={gate.failure} t={t} />}
    </fieldset>
  );
}

/** Typed stages: the fallback when amoCRM's pipelines could not be loaded. */
function StageList(props: { t: SettingsMessages; stages: Stage[]; onValue: (s: Stage[]) => void }) {
  const { t, stages, onValue } = props;
  return (
    <div class="erpb-field" data-field="guard.gatedStages">
      <span class="erpb-label">{t.gated}</span>
      {stages.map((stage, i) => (
        <StageInputs
          key={i}
          stage={stage}
          t={t}
          onChange={(s) => onValue(stages.map((x, j) => (j === i ? s : x)))}
        >
          <button
            type="button"
            class="erpb-btn erpb-btn--small"
            onClick={() => onValue(stages.filter((_, j) => j !== i))}
          >
            {t.remove}
          </button>
        </StageInputs>
      ))}
      <button
        type="button"
        class="erpb-btn erpb-btn--small"
        data-testid="erpb-add-stage"
        onClick={() => onValue([...stages, { pipelineId: stages.at(-1)?.pipelineId ?? 0, statusId: 0 }])}
      >
        {t.add_stage}
      </button>
      <span class="erpb-hint">{t.gated_hint}</span>
    </div>
  );
}

function StageInputs(props: {
  stage: Stage;
  t: SettingsMessages;
  onChange: (stage: Stage) => void;
  children?: ComponentChildren;
}) {
  const { stage, t, onChange } = props;
  return (
    <div class="erpb-row" data-stage={`${stage.pipelineId}:${stage.statusId}`}>
      <NumberInput
        label={t.pipeline_id}
        value={stage.pipelineId}
        onChange={(n) => onChange({ ...stage, pipelineId: n ?? 0 })}
      />
      <NumberInput
        label={t.status_id}
        value={stage.statusId}
        onChange={(n) => onChange({ ...stage, statusId: n ?? 0 })}
      />
      {props.children}
    </div>
  );
}
