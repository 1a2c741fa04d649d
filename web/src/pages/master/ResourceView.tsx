/**
 * One generic master-data screen: search, a table, and a dialog that creates
 * or edits a row from a list of field definitions, with archive. Each
 * resource (operations, stations, workers, materials) is a configuration;
 * one with a dialog of its own (shift calendars) reuses the list only.
 */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format';
import { currentIntlTag } from '../../i18n';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { Query } from '../../api/client';
import { type MasterNoun, useArchiveMasterRow, useSaveMasterRow } from '../../api/masterData';
import { ErrorAlert } from '../../api/ErrorAlert';
import type { Page } from '../../api/types';
import { useDebounced } from '../../hooks';
import { Button, Card, Checkbox, type Column, Dialog, type Option, SelectField, Table, TextAreaField, TextField } from '../../ui';

export type FormValues = Record<string, string | string[]>;

export interface FieldDef {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'textarea' | 'select' | 'checks';
  options?: Option[];
  required?: boolean;
  /** Only when creating (ids). */
  createOnly?: boolean;
  hint?: string;
  placeholder?: string;
}

interface ListConfig<T> {
  title: string;
  singular: string;
  idOf: (row: T) => string;
  useList: (query: Query) => UseQueryResult<Page<T>>;
  columns: Column<T>[];
}

/** The generic dialog: a form from field definitions, PATCH to save, DELETE to archive. */
interface FormConfig<T> {
  dialog?: undefined;
  /** The resource the form saves and archives. */
  noun: MasterNoun;
  fields: FieldDef[];
  empty: FormValues;
  toForm: (row: T) => FormValues;
  toCreate: (form: FormValues) => unknown;
  toUpdate: (form: FormValues) => unknown;
  /** More to show and do in the edit dialog of an existing row (substations, ledger). */
  extra?: (row: T) => ReactNode;
  archivable?: boolean;
}

/** A dialog of its own (shift calendars: weekly windows and exceptions); `row` is null for a new one. */
interface DialogConfig<T> {
  dialog: (props: { row: T | null; onClose: () => void }) => ReactNode;
}

export type ResourceConfig<T> = ListConfig<T> & (FormConfig<T> | DialogConfig<T>);

/** "istasyon" → "İstasyon": the first letter upper-cased by the rules of the UI's language. */
const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase(currentIntlTag()) + s.slice(1);
const lower = (s: string) => s.toLocaleLowerCase(currentIntlTag());

export function ResourceView<T>({ config }: { config: ResourceConfig<T> }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useDebounced(q.trim(), 250);
  const list = config.useList({ q: search || undefined, limit: 500 });
  const [editing, setEditing] = useState<{ row: T | null } | null>(null);
  const rows = list.data?.items ?? [];
  // the dialog follows live data: after a change elsewhere it shows the fresh row
  const current = editing?.row ? (rows.find((r) => config.idOf(r) === config.idOf(editing.row as T)) ?? editing.row) : null;

  return (
    <Card flush>
      <div className="card__header">
        <div className="toolbar spacer">
          <TextField
            label={t('master.view.search', { what: lower(config.title) })}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('master.view.codeOrName')}
          />
          <span className="muted small">
            {list.data ? t('master.view.count', { n: formatNumber(list.data.total), what: lower(config.title) }) : t('common.loading')}
          </span>
        </div>
        <Button variant="primary" onClick={() => setEditing({ row: null })}>
          {t('master.view.new', { what: config.singular })}
        </Button>
      </div>
      <ErrorAlert error={list.error} />
      <Table
        caption={config.title}
        columns={config.columns}
        rows={rows}
        rowKey={config.idOf}
        onRowClick={(row) => setEditing({ row })}
        rowLabel={(row) => t('master.view.edit', { what: config.singular, id: config.idOf(row) })}
        empty={list.isPending ? t('common.loading') : t('master.view.nothingFound')}
      />
      {editing &&
        (config.dialog ? (
          <config.dialog key={current ? config.idOf(current) : 'new'} row={current} onClose={() => setEditing(null)} />
        ) : (
          <EditDialog key={current ? config.idOf(current) : 'new'} config={config} row={current} onClose={() => setEditing(null)} />
        ))}
    </Card>
  );
}

function EditDialog<T>({ config, row, onClose }: { config: ListConfig<T> & FormConfig<T>; row: T | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<FormValues>(() => (row ? config.toForm(row) : config.empty));
  const [confirmArchive, setConfirmArchive] = useState(false);
  const id = row ? config.idOf(row) : null;
  const save = useSaveMasterRow(config.noun, { onSuccess: onClose });
  const archive = useArchiveMasterRow(config.noun, { onSuccess: onClose });
  const set = (name: string, value: string | string[]) => setForm((f) => ({ ...f, [name]: value }));
  const missing = config.fields.filter((f) => f.required && !(f.createOnly && id) && !String(form[f.name] ?? '').trim());

  return (
    <Dialog
      open
      wide
      title={id ? `${capitalize(config.singular)} ${id}` : t('master.view.new', { what: config.singular })}
      onClose={onClose}
      onSubmit={() => missing.length === 0 && save.mutate({ id, body: id ? config.toUpdate(form) : config.toCreate(form) })}
      footer={
        <>
          {id && config.archivable !== false && (
            <>
              {confirmArchive ? (
                <Button variant="danger" onClick={() => archive.mutate(id)} disabled={archive.isPending}>
                  {t('master.view.yesArchive', { id })}
                </Button>
              ) : (
                <Button variant="danger" onClick={() => setConfirmArchive(true)}>
                  {t('master.view.archive')}
                </Button>
              )}
            </>
          )}
          <span className="spacer" />
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button type="submit" variant="primary" disabled={save.isPending || missing.length > 0}>
            {id ? t('master.view.saveChanges') : t('master.view.create', { what: config.singular })}
          </Button>
        </>
      }
    >
      <div className="form-grid">
        {config.fields
          .filter((f) => !(f.createOnly && id))
          .map((f) => (
            <FormField key={f.name} def={f} value={form[f.name]} onChange={(v) => set(f.name, v)} />
          ))}
      </div>
      <ErrorAlert error={save.error} title={t('designer.saveRefused')} />
      <ErrorAlert error={archive.error} title={t('planActions.archive.refused')} />
      {row && config.extra?.(row)}
    </Dialog>
  );
}

function FormField({ def, value, onChange }: { def: FieldDef; value: string | string[] | undefined; onChange: (v: string | string[]) => void }) {
  const text = typeof value === 'string' ? value : '';
  const label = def.required ? `${def.label} *` : def.label;
  switch (def.kind) {
    case 'textarea':
      return <TextAreaField wide label={label} hint={def.hint} value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'select':
      return (
        <SelectField
          label={label}
          hint={def.hint}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          options={def.options ?? []}
          placeholder={def.placeholder ?? '—'}
        />
      );
    case 'checks': {
      const selected = Array.isArray(value) ? value : [];
      return (
        <fieldset className="fieldset field--wide">
          <legend>{label}</legend>
          <div className="checklist">
            {(def.options ?? []).map((o) => (
              <Checkbox
                key={o.value}
                label={o.label}
                checked={selected.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((s) => s !== o.value))}
              />
            ))}
          </div>
          {def.hint && <span className="field__hint">{def.hint}</span>}
        </fieldset>
      );
    }
    default:
      return (
        <TextField
          label={label}
          hint={def.hint}
          placeholder={def.placeholder}
          inputMode={def.kind === 'number' ? 'decimal' : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          required={def.required}
        />
      );
  }
}

/** Form text → the API's optional number (undefined when empty). */
export function num(value: string | string[] | undefined): number | undefined {
  const t = typeof value === 'string' ? value.trim().replace(',', '.') : '';
  return t === '' ? undefined : Number(t);
}

export function str(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function list(value: string | string[] | undefined): string[] {
  return Array.isArray(value) ? value : [];
}
