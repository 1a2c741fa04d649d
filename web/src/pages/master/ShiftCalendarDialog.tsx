/**
 * Create or edit a shift calendar: code and name, the weekly windows per
 * weekday (a night shift is one row whose end is before its start), and
 * dated exceptions (closed all day, or special hours). Saved with one PUT
 * (or POST) of the whole calendar; deleted when no active worker uses it.
 */
import { useTranslation } from 'react-i18next';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useDeleteCalendar, useSaveCalendar } from '../../api/masterData';
import type { ShiftCalendar } from '../../api/types';
import { Button, Dialog, IconButton, TextField } from '../../ui';
import {
  type CalendarDraft,
  crossesMidnight,
  draftProblems,
  type ExceptionDraft,
  newKey,
  serverRowErrors,
  toBody,
  toDraft,
  type WindowDraft,
  weekdayName,
  weekdayShortName,
  weekOrder,
} from './shiftCalendar';
import './master.css';

export function ShiftCalendarDialog({ row, onClose }: { row: ShiftCalendar | null; onClose: () => void }) {
  const { t } = useTranslation();
  const ids = useId();
  const creating = row === null;
  const [draft, setDraft] = useState<CalendarDraft>(() => toDraft(row));
  const [confirmDelete, setConfirmDelete] = useState(false);
  // an element to focus after the next render (a new row's first input, or "Add" after a removal)
  const [focusId, setFocusId] = useState<string | null>(null);
  const problems = useMemo(() => draftProblems(draft, creating), [draft, creating]);
  const body = useMemo(() => toBody(draft), [draft]);

  useEffect(() => {
    if (!focusId) return;
    document.getElementById(focusId)?.focus();
    setFocusId(null);
  }, [focusId]);

  const save = useSaveCalendar({ onSuccess: onClose });
  const remove = useDeleteCalendar({ onSuccess: onClose });
  // the server's field errors on the rows they are about (the request's rows, so they stay put while editing)
  const [sentKeys, setSentKeys] = useState(body);
  const serverErrors = useMemo(
    () =>
      save.error instanceof ApiError
        ? serverRowErrors(
            save.error.problem.errors ?? (save.error.problem.field ? [{ field: save.error.problem.field, message: save.error.problem.detail ?? '' }] : []),
            sentKeys,
          )
        : new Map<string, string>(),
    [save.error, sentKeys],
  );
  // a refusal is shown below the rows: bring it into view (the dialog body scrolls at 1024×768)
  const alerts = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (save.error || remove.error) alerts.current?.scrollIntoView({ block: 'nearest' });
  }, [save.error, remove.error]);
  const errorOf = (key: string) => problems.get(key) ?? serverErrors.get(key);
  const submit = () => {
    if (problems.size > 0 || save.isPending) return;
    setSentKeys(body);
    const payload = { name: draft.name.trim(), windows: body.windows, exceptions: body.exceptions };
    save.mutate(creating ? { create: draft.id.trim(), body: payload } : { replace: row.id, body: payload });
  };

  const setWindow = (key: string, patch: Partial<WindowDraft>) =>
    setDraft((d) => ({ ...d, windows: d.windows.map((w) => (w.key === key ? { ...w, ...patch } : w)) }));
  const addWindow = (weekday: number) => {
    const same = draft.windows.filter((w) => w.weekday === weekday);
    const last = same.at(-1);
    // a new day copies the day before's first window; a second window follows the first
    const before = draft.windows.find((w) => w.weekday === weekOrder[weekOrder.indexOf(weekday) - 1]);
    const next: WindowDraft = last
      ? { key: newKey('w'), weekday, start: last.end, end: '' }
      : { key: newKey('w'), weekday, start: before?.start ?? '06:00', end: before?.end ?? '14:00' };
    setDraft((d) => ({ ...d, windows: [...d.windows, next] }));
    setFocusId(`${ids}-${next.key}-start`);
  };
  const removeWindow = (w: WindowDraft) => {
    setDraft((d) => ({ ...d, windows: d.windows.filter((x) => x.key !== w.key) }));
    setFocusId(`${ids}-add-${w.weekday}`);
  };
  const setException = (key: string, patch: Partial<ExceptionDraft>) =>
    setDraft((d) => ({ ...d, exceptions: d.exceptions.map((x) => (x.key === key ? { ...x, ...patch } : x)) }));
  const addException = () => {
    const next: ExceptionDraft = { key: newKey('x'), date: '', closed: true, start: '', end: '', note: '' };
    setDraft((d) => ({ ...d, exceptions: [...d.exceptions, next] }));
    setFocusId(`${ids}-${next.key}-date`);
  };
  const removeException = (key: string) => {
    setDraft((d) => ({ ...d, exceptions: d.exceptions.filter((x) => x.key !== key) }));
    setFocusId(`${ids}-add-exception`);
  };

  return (
    <Dialog
      open
      wide
      title={creating ? t('calendar.new') : t('calendar.title', { id: row.id })}
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          {!creating &&
            (confirmDelete ? (
              <Button variant="danger" onClick={() => remove.mutate(row.id)} disabled={remove.isPending}>
                {t('calendar.yesDelete', { id: row.id })}
              </Button>
            ) : (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                {t('calendar.delete')}
              </Button>
            ))}
          <span className="spacer" />
          {problems.size > 0 && (
            <span className="muted small">{!draft.name.trim() || (creating && !draft.id.trim()) ? t('calendar.giveCodeName') : t('calendar.fixMarked')}</span>
          )}
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button type="submit" variant="primary" disabled={save.isPending || problems.size > 0}>
            {creating ? t('calendar.create') : t('master.view.saveChanges')}
          </Button>
        </>
      }
    >
      <div className="calendar-head">
        {creating && (
          <TextField
            label={`${t('master.code')} *`}
            placeholder="NIGHT"
            value={draft.id}
            onChange={(e) => setDraft((d) => ({ ...d, id: e.target.value }))}
            error={draft.id ? (problems.get('id') ?? serverErrors.get('id')) : serverErrors.get('id')}
            hint={t('calendar.codeHint')}
            required
          />
        )}
        <TextField
          label={`${t('master.name')} *`}
          placeholder={t('calendar.namePlaceholder')}
          value={draft.name}
          onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
          required
        />
      </div>

      <fieldset className="fieldset">
        <legend>{t('master.weeklyHours')}</legend>
        <p className="muted small calendar-hint">{t('calendar.timesHint')}</p>
        <div className="calendar-week">
          {weekOrder.map((weekday) => {
            const day = weekdayName(weekday);
            const rows = draft.windows.filter((w) => w.weekday === weekday);
            return (
              <div key={weekday} className="calendar-day" role="group" aria-label={day}>
                <span className="calendar-day__name" aria-hidden="true">
                  {weekdayShortName(weekday)}
                </span>
                <div className="calendar-day__windows">
                  {rows.length === 0 && <span className="muted small">{t('calendar.off')}</span>}
                  {rows.map((w, i) => (
                    <TimeRange
                      key={w.key}
                      idBase={`${ids}-${w.key}`}
                      label={t('calendar.window', { day, n: i + 1 })}
                      start={w.start}
                      end={w.end}
                      onStart={(start) => setWindow(w.key, { start })}
                      onEnd={(end) => setWindow(w.key, { end })}
                      onRemove={() => removeWindow(w)}
                      note={crossesMidnight(w) ? t('calendar.until', { day: weekdayShortName((weekday + 1) % 7) }) : undefined}
                      error={errorOf(w.key)}
                    />
                  ))}
                </div>
                <Button size="sm" id={`${ids}-add-${weekday}`} onClick={() => addWindow(weekday)} aria-label={t('calendar.addWindowOn', { day })}>
                  + {t('calendar.windowButton')}
                </Button>
              </div>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('master.exceptions')}</legend>
        <p className="muted small calendar-hint">{t('calendar.exceptionsHint')}</p>
        <div className="stack">
          {draft.exceptions.length === 0 && <span className="muted small">{t('calendar.noExceptions')}</span>}
          {draft.exceptions.map((x, i) => (
            <ExceptionRow
              key={x.key}
              idBase={`${ids}-${x.key}`}
              n={i + 1}
              row={x}
              onChange={(patch) => setException(x.key, patch)}
              onRemove={() => removeException(x.key)}
              error={errorOf(x.key)}
            />
          ))}
          <div>
            <Button size="sm" id={`${ids}-add-exception`} onClick={addException}>
              + {t('calendar.exceptionButton')}
            </Button>
          </div>
        </div>
      </fieldset>

      <div ref={alerts} className="stack">
        <ErrorAlert error={save.error} title={t('designer.saveRefused')} />
        <ErrorAlert error={remove.error} title={t('calendar.deleteRefused')} />
      </div>
    </Dialog>
  );
}

function TimeRange(props: {
  idBase: string;
  label: string;
  start: string;
  end: string;
  onStart: (v: string) => void;
  onEnd: (v: string) => void;
  onRemove: () => void;
  note?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const { idBase, label, error } = props;
  const invalid = error ? { 'aria-invalid': true as const, 'aria-describedby': `${idBase}-error` } : {};
  return (
    <span className="calendar-window">
      <span className="calendar-window__times">
        <input
          id={`${idBase}-start`}
          className="input calendar-time"
          inputMode="numeric"
          placeholder="06:00"
          aria-label={t('calendar.startOf', { label })}
          value={props.start}
          onChange={(e) => props.onStart(e.target.value)}
          {...invalid}
        />
        <span aria-hidden="true">–</span>
        <input
          id={`${idBase}-end`}
          className="input calendar-time"
          inputMode="numeric"
          placeholder="14:00"
          aria-label={t('calendar.endOf', { label })}
          value={props.end}
          onChange={(e) => props.onEnd(e.target.value)}
          {...invalid}
        />
        {props.note && <span className="muted small">{props.note}</span>}
        <IconButton size="sm" label={t('calendar.remove', { label })} onClick={props.onRemove}>
          ×
        </IconButton>
      </span>
      {error && (
        <span className="field__error" id={`${idBase}-error`}>
          {error}
        </span>
      )}
    </span>
  );
}

function ExceptionRow({
  idBase,
  n,
  row,
  onChange,
  onRemove,
  error,
}: {
  idBase: string;
  n: number;
  row: ExceptionDraft;
  onChange: (patch: Partial<ExceptionDraft>) => void;
  onRemove: () => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const label = t('calendar.exception', { n });
  const invalid = error ? { 'aria-invalid': true as const, 'aria-describedby': `${idBase}-error` } : {};
  return (
    <div className="calendar-exception" role="group" aria-label={row.date ? `${label}, ${row.date}` : label}>
      <input
        id={`${idBase}-date`}
        type="date"
        className="input calendar-date"
        aria-label={t('calendar.dateOf', { label })}
        value={row.date}
        onChange={(e) => onChange({ date: e.target.value })}
        {...invalid}
      />
      <select
        className="select calendar-kind"
        aria-label={t('calendar.kindOf', { label })}
        value={row.closed ? 'closed' : 'hours'}
        onChange={(e) =>
          onChange({ closed: e.target.value === 'closed', ...(e.target.value === 'hours' && !row.start ? { start: '06:00', end: '12:00' } : {}) })
        }
      >
        <option value="closed">{t('calendar.closedAllDay')}</option>
        <option value="hours">{t('calendar.specialHours')}</option>
      </select>
      {row.closed ? (
        <span className="calendar-exception__times muted small">{t('calendar.noWork')}</span>
      ) : (
        <span className="calendar-exception__times">
          <input
            className="input calendar-time"
            inputMode="numeric"
            placeholder="06:00"
            aria-label={t('calendar.startOf', { label })}
            value={row.start}
            onChange={(e) => onChange({ start: e.target.value })}
            {...invalid}
          />
          <span aria-hidden="true">–</span>
          <input
            className="input calendar-time"
            inputMode="numeric"
            placeholder="12:00"
            aria-label={t('calendar.endOf', { label })}
            value={row.end}
            onChange={(e) => onChange({ end: e.target.value })}
            {...invalid}
          />
        </span>
      )}
      <input
        className="input calendar-note"
        aria-label={t('calendar.noteOf', { label })}
        placeholder={t('calendar.notePlaceholder')}
        maxLength={200}
        value={row.note}
        onChange={(e) => onChange({ note: e.target.value })}
      />
      <IconButton size="sm" label={t('calendar.remove', { label })} onClick={onRemove}>
        ×
      </IconButton>
      {error && (
        <span className="field__error calendar-exception__error" id={`${idBase}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
