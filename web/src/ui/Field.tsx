import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useEffect, useId, useState } from 'react';
import { classNames } from './Button';

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  wide?: boolean;
  className?: string;
  /** Renders the control with the id and aria props that tie it to its label. */
  children: (control: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A label, one control, an optional hint and error; the label is a real <label for>. */
export function Field({ label, hint, error, wide, className, children }: FieldProps) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={classNames('field', wide && 'field--wide', className)}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error ? (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      ) : (
        hint && (
          <span className="field__hint" id={`${id}-hint`}>
            {hint}
          </span>
        )
      )}
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; error?: string | undefined; wide?: boolean };

export function TextField({ label, hint, error, wide, className, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => <input className={classNames('input', className)} {...input} {...control} />}
    </Field>
  );
}

export function TextAreaField({ label, hint, error, wide, ...input }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => <textarea className="textarea" {...input} {...control} />}
    </Field>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  label,
  hint,
  error,
  wide,
  options,
  placeholder,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { options: Option[]; placeholder?: string }) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => (
        <select className="select" {...select} {...control}>
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * A number input that keeps what the user types ("1.", "") while emitting
 * numbers: undefined when empty, NaN when it does not parse.
 */
export function NumberInput({
  value,
  onValue,
  className,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & { value: number | undefined; onValue: (value: number | undefined) => void }) {
  const [text, setText] = useState(value === undefined || Number.isNaN(value) ? '' : String(value));
  useEffect(() => {
    setText((current) => {
      const parsed = parseNumber(current);
      if (Object.is(parsed, value) || (value !== undefined && Number.isNaN(value))) return current;
      return value === undefined ? '' : String(value);
    });
  }, [value]);
  return (
    <input
      className={classNames('input', className)}
      inputMode="decimal"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onValue(parseNumber(e.target.value));
      }}
      {...input}
    />
  );
}

export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function NumberField({ label, hint, error, wide, ...input }: Common & Parameters<typeof NumberInput>[0]) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => <NumberInput {...input} {...control} />}
    </Field>
  );
}

export function Checkbox({ label, ...input }: { label: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  return (
    <label className="check">
      <input type="checkbox" {...input} />
      <span>{label}</span>
    </label>
  );
}
