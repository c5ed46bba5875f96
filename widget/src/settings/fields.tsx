import type { ComponentChildren } from 'preact';

export interface FieldProps {
  label: string;
  hint?: string;
  error?: string | undefined;
  badge?: ComponentChildren;
  /** The setting this control edits (`guard.tag`): where focus goes when the save names it. */
  field?: string;
}

/** A labelled control: the control comes in as children, inside the label. */
export function Field(props: FieldProps & { children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children, inside the label.
    <label class={props.error ? 'erpb-field erpb-field--error' : 'erpb-field'} data-field={props.field}>
      <span class="erpb-label">
        {props.label} {props.badge}
      </span>
      {props.children}
      {props.hint && <span class="erpb-hint">{props.hint}</span>}
      {props.error && (
        <span class="erpb-inline-error" role="alert">
          {props.error}
        </span>
      )}
    </label>
  );
}

/** A labelled text input; `secret` makes it a write-only password field. */
export function TextField(
  props: FieldProps & { value: string; onValue: (v: string) => void; name?: string; secret?: boolean },
) {
  const { value, onValue, name, secret, ...field } = props;
  return (
    <Field {...field}>
      <input
        class="erpb-input"
        name={name}
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        aria-invalid={field.error ? 'true' : undefined}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

export function SelectField(
  props: FieldProps & {
    name?: string;
    value: string;
    options: [string, string][];
    onValue: (v: string) => void;
  },
) {
  const { name, value, options, onValue, ...field } = props;
  return (
    <Field {...field}>
      <select
        class="erpb-input"
        name={name}
        value={value}
        aria-invalid={field.error ? 'true' : undefined}
        onChange={(e) => onValue(e.currentTarget.value)}
      >
        {options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function Check(props: {
  label: ComponentChildren;
  checked: boolean;
  onChange: (checked: boolean) => void;
  attrs?: Record<string, string | undefined>;
}) {
  return (
    <label class="erpb-check" {...props.attrs}>
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />{' '}
      {props.label}
    </label>
  );
}

/** A positive id or nothing: '' reads as null, and 0 shows as empty. */
export function NumberInput(props: {
  value: number | null;
  onChange: (value: number | null) => void;
  label?: string;
}) {
  return (
    <input
      class="erpb-input erpb-input--num"
      type="number"
      min="1"
      step="1"
      aria-label={props.label}
      placeholder={props.label}
      value={props.value || ''}
      onInput={(e) => {
        const v = e.currentTarget.value;
        props.onChange(v === '' ? null : Number(v));
      }}
    />
  );
}
