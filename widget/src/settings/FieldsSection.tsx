import type { LookupKey } from '@erp-bridge/shared';
import { fill } from '../format.js';
import { Check, Field, NumberInput, TextField } from './fields.js';
import { fieldOptions, IdSelect } from './pickers.js';
import type { SectionProps } from './section.js';

const KEYS: LookupKey[] = ['inn', 'phone', 'email'];

/** Catalog field codes, the customer lookup order, and the company INN field. */
export function FieldsSection(props: SectionProps) {
  const { draft, t, set, catalog, errorOf } = props;
  const { fields } = draft;
  const order = fields.customerLookupOrder;
  return (
    <fieldset class="erpb-section" data-section="fields">
      <legend>{t.sec_fields}</legend>
      {(
        [
          ['skuFieldCode', t.sku_code],
          ['priceFieldCode', t.price_code],
        ] as const
      ).map(([key, label]) => (
        <TextField
          key={key}
          label={label}
          field={`fields.${key}`}
          error={errorOf(`fields.${key}`)}
          value={fields[key]}
          onValue={(v) => set('fields', { [key]: v })}
        />
      ))}
      <div class="erpb-field">
        <span class="erpb-label">{t.lookup}</span>
        <ol class="erpb-order">
          {[...order, ...KEYS.filter((k) => !order.includes(k))].map((k, i) => {
            const on = order.includes(k);
            return (
              <li key={k} data-lookup={k}>
                <Check
                  label={t[`key_${k}`]}
                  checked={on}
                  onChange={() =>
                    set('fields', {
                      customerLookupOrder: on
                        ? order.length > 1
                          ? order.filter((x) => x !== k)
                          : order
                        : [...order, k],
                    })
                  }
                />
                {on && i > 0 && (
                  <button
                    type="button"
                    class="erpb-icon-btn"
                    aria-label={fill(t.move_up, { key: t[`key_${k}`] })}
                    title={fill(t.move_up, { key: t[`key_${k}`] })}
                    onClick={() => {
                      const next = [...order];
                      next.splice(i - 1, 2, k, order[i - 1] as LookupKey);
                      set('fields', { customerLookupOrder: next });
                    }}
                  >
                    <span aria-hidden="true">↑</span>
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      </div>
      {catalog ? (
        <IdSelect
          label={t.inn_pick}
          name="inn-field"
          field="fields.innFieldId"
          items={fieldOptions(catalog.companyFields)}
          value={fields.innFieldId}
          noneLabel={t.pick_none}
          t={t}
          onValue={(innFieldId) => set('fields', { innFieldId })}
        />
      ) : (
        <Field label={t.inn_field} field="fields.innFieldId">
          <NumberInput value={fields.innFieldId} onChange={(innFieldId) => set('fields', { innFieldId })} />
        </Field>
      )}
    </fieldset>
  );
}
