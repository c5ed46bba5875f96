import type {
  ErpConnectionInput,
  ErpConnectionView,
  FieldMappings,
  GuardRules,
  InvoiceSettings,
  SettingsUpdate,
  SettingsView,
} from '@erp-bridge/shared';

export type ErpKind = ErpConnectionView['kind'];

/** Which fields each ERP kind has: public ones the API shows back, secrets it only reports set / not set. */
export const ERP_FIELDS: Record<ErpKind, { fields: string[]; secrets: string[] }> = {
  local: { fields: ['storeId'], secrets: [] },
  moysklad: { fields: ['apiBase'], secrets: ['token'] },
  onec: { fields: ['odataUrl', 'user', 'stockRegister', 'invoiceDocument'], secrets: ['password'] },
  rest: { fields: [], secrets: ['mapping'] },
};

export interface ErpDraft {
  kind: ErpKind;
  /** Public fields of every kind by name (names do not overlap), so switching kind back keeps typing. */
  fields: Record<string, string>;
  /** What the admin typed; '' = keep the stored secret. Never filled from the server. */
  secrets: Record<string, string>;
}

export interface SettingsDraft {
  erp: ErpDraft;
  guard: GuardRules;
  invoices: InvoiceSettings;
  fields: FieldMappings;
  /**
   * Id lists as typed ("1, 2"), parsed on save: the fallback when amoCRM's users could not be
   * loaded for the pickers. The pickers write `invoices` directly and keep these in step.
   */
  ids: { allowedUserIds: string; allowedGroupIds: string };
}

/** A field the form refuses to send, by the `data-field` name of its control. */
export type FieldError = { field: string; message: 'bad_ids' | 'stage_required' };

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function draftFrom(view: SettingsView): SettingsDraft {
  const fields: Record<string, string> = {};
  for (const name of ERP_FIELDS[view.erp.kind]?.fields ?? []) {
    const value = view.erp[name];
    fields[name] = typeof value === 'string' ? value : '';
  }
  return {
    erp: { kind: view.erp.kind, fields, secrets: {} },
    guard: clone(view.guard),
    invoices: clone(view.invoices),
    fields: clone(view.fields),
    ids: {
      allowedUserIds: view.invoices.allowedUserIds.join(', '),
      allowedGroupIds: view.invoices.allowedGroupIds.join(', '),
    },
  };
}

/** "1, 2 3" -> [1, 2, 3]; null when a token is not a whole number >= 0. */
export function parseIds(text: string): number[] | null {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  return tokens.every((x) => /^\d+$/.test(x)) ? tokens.map(Number) : null;
}

/** The connection as PUT / test-connection take it: public fields that are filled, secrets only when typed. */
export function connectionInput(erp: ErpDraft): ErpConnectionInput {
  const input: Record<string, string> = { kind: erp.kind };
  const { fields, secrets } = ERP_FIELDS[erp.kind];
  for (const name of fields) {
    const value = erp.fields[name]?.trim();
    if (value) input[name] = value;
  }
  for (const name of secrets) {
    const value = erp.secrets[name];
    // An empty (or blank) secret means "keep the stored one": it must never be sent.
    if (value?.trim()) input[name] = value;
  }
  return input as unknown as ErpConnectionInput;
}

function erpChanged(view: ErpConnectionView, erp: ErpDraft): boolean {
  if (view.kind !== erp.kind) return true;
  const { fields, secrets } = ERP_FIELDS[erp.kind];
  return (
    fields.some(
      (name) => (erp.fields[name]?.trim() ?? '') !== (typeof view[name] === 'string' ? view[name] : ''),
    ) || secrets.some((name) => !!erp.secrets[name]?.trim())
  );
}

/** Keys of `next` whose values differ from `base` (deep, by JSON), or null when none do. */
export function changedKeys<T extends object>(base: T, next: T): Partial<T> | null {
  const out: Partial<T> = {};
  let any = false;
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (JSON.stringify(base[key]) !== JSON.stringify(next[key])) {
      out[key] = next[key];
      any = true;
    }
  }
  return any ? out : null;
}

export type UpdateResult = { ok: true; update: SettingsUpdate } | { ok: false; errors: FieldError[] };

/** Sets a picked id list, keeping the typed fallback text in step. */
export function withIds(
  draft: SettingsDraft,
  name: keyof SettingsDraft['ids'],
  ids: number[],
): SettingsDraft {
  return {
    ...draft,
    invoices: { ...draft.invoices, [name]: ids },
    ids: { ...draft.ids, [name]: ids.join(', ') },
  };
}

/**
 * PUT /api/v1/settings body: only the sections that changed, and within guard / invoices / fields
 * only the changed keys; the ERP connection whole (its kind decides its shape) when anything in it
 * changed, with secrets only when typed.
 */
export function settingsUpdate(view: SettingsView, draft: SettingsDraft): UpdateResult {
  const errors: FieldError[] = [];
  const invoices = { ...draft.invoices };
  for (const name of ['allowedUserIds', 'allowedGroupIds'] as const) {
    const ids = parseIds(draft.ids[name]);
    if (ids) invoices[name] = ids;
    else errors.push({ field: `invoices.${name}`, message: 'bad_ids' });
  }
  const { action } = draft.guard;
  if (action.type === 'move_to' && !(action.stage.pipelineId > 0 && action.stage.statusId > 0))
    errors.push({ field: 'guard.action.stage', message: 'stage_required' });
  if (errors.length > 0) return { ok: false, errors };
  const update: SettingsUpdate = {};
  if (erpChanged(view.erp, draft.erp)) update.erp = connectionInput(draft.erp);
  const guard = changedKeys(view.guard, draft.guard);
  if (guard) update.guard = guard;
  const inv = changedKeys(view.invoices, invoices);
  if (inv) update.invoices = inv;
  const fields = changedKeys(view.fields, draft.fields);
  if (fields) update.fields = fields;
  return { ok: true, update };
}
