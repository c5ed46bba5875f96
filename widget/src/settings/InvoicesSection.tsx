import { fill } from '../format.js';
import { Check, Field, NumberInput, TextField } from './fields.js';
import { type SettingsDraft, withIds } from './form.js';
import { fieldOptions, IdChecklist, IdSelect } from './pickers.js';
import type { SectionProps } from './section.js';

/** Who may request invoices (users, groups), where the invoice number goes. */
export function InvoicesSection(props: SectionProps & { knownUsers: { id: number; name: string }[] }) {
  const { draft, t, set, setDraft, catalog, errorOf, knownUsers } = props;
  const idsField = (name: keyof SettingsDraft['ids'], label: string) => (
    <TextField
      label={label}
      field={`invoices.${name}`}
      error={errorOf(`invoices.${name}`) ? t.bad_ids : undefined}
      value={draft.ids[name]}
      onValue={(v) => set('ids', { [name]: v })}
    />
  );
  return (
    <fieldset class="erpb-section" data-section="invoices">
      <legend>{t.sec_invoices}</legend>
      {catalog ? (
        <>
          {(
            [
              ['allowedUserIds', 'user', catalog.users, t.allowed_users],
              ['allowedGroupIds', 'group', catalog.groups, t.allowed_groups],
            ] as const
          ).map(([key, name, items, label]) => (
            <IdChecklist
              key={key}
              label={label}
              name={name}
              field={`invoices.${key}`}
              items={items}
              value={draft.invoices[key]}
              t={t}
              onValue={(ids) => setDraft(withIds(draft, key, ids))}
            />
          ))}
          <p class="erpb-hint">{t.allowed_hint}</p>
          <IdSelect
            label={t.number_pick}
            name="invoice-number-field"
            field="invoices.numberFieldId"
            items={fieldOptions(catalog.leadFields, ['text', 'numeric', 'textarea'])}
            value={draft.invoices.numberFieldId}
            noneLabel={t.pick_none}
            t={t}
            onValue={(numberFieldId) => set('invoices', { numberFieldId })}
          />
        </>
      ) : (
        <>
          {idsField('allowedUserIds', t.user_ids)}
          {idsField('allowedGroupIds', t.group_ids)}
          <p class="erpb-hint">
            {t.ids_hint}
            {knownUsers.length > 0 && (
              <> {fill(t.known_users, { list: knownUsers.map((u) => `${u.name} (${u.id})`).join(', ') })}</>
            )}
          </p>
          <Field label={t.number_field} field="invoices.numberFieldId">
            <NumberInput
              value={draft.invoices.numberFieldId}
              onChange={(numberFieldId) => set('invoices', { numberFieldId })}
            />
          </Field>
        </>
      )}
      <Check
        label={t.invoices_catalog}
        checked={draft.invoices.addToInvoicesCatalog}
        onChange={(addToInvoicesCatalog) => set('invoices', { addToInvoicesCatalog })}
      />
    </fieldset>
  );
}
