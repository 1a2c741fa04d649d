/**
 * Create or edit a shift calendar: code and name, the weekly windows per
 * weekday (a night shift is one row whose end is before its start), and
 * dated exceptions (closed all day, or special hours). Saved with one PUT
 * (or POST) of the whole calendar; deleted when no active worker uses it.
 */
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
  weekdayNames,
  weekdayShort,
  weekOrder,
} from './shiftCalendar';
import './master.css';

export function ShiftCalendarDialog({ row, onClose }: { row: ShiftCalendar | null; onClose: () => void }) {
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
      title={creating ? 'New shift calendar' : `Shift calendar ${row.id}`}
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          {!creating &&
            (confirmDelete ? (
              <Button variant="danger" onClick={() => remove.mutate(row.id)} disabled={remove.isPending}>
                Yes, delete {row.id}
              </Button>
            ) : (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete…
              </Button>
            ))}
          <span className="spacer" />
          {problems.size > 0 && (
            <span className="muted small">
              {!draft.name.trim() || (creating && !draft.id.trim()) ? 'Give it a code and a name to save' : 'Fix the marked fields to save'}
            </span>
          )}
          <Button onClick={onClose}>Close</Button>
          <Button type="submit" variant="primary" disabled={save.isPending || problems.size > 0}>
            {creating ? 'Create shift calendar' : 'Save changes'}
          </Button>
        </>
      }
    >
      <div className="calendar-head">
        {creating && (
          <TextField
            label="Code *"
            placeholder="NIGHT"
            value={draft.id}
            onChange={(e) => setDraft((d) => ({ ...d, id: e.target.value }))}
            error={draft.id ? (problems.get('id') ?? serverErrors.get('id')) : serverErrors.get('id')}
            hint="letters, digits, . _ -; cannot be changed later"
            required
          />
        )}
        <TextField
          label="Name *"
          placeholder="Night shift, Mon–Fri 22:00–06:00"
          value={draft.name}
          onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
          required
        />
      </div>

      <fieldset className="fieldset">
        <legend>Weekly hours</legend>
        <p className="muted small calendar-hint">
          Times as hh:mm. An end before the start runs past midnight into the next day (night shift); 24:00 or 00:00 ends at midnight.
        </p>
        <div className="calendar-week">
          {weekOrder.map((weekday) => {
            const day = weekdayNames[weekday]!;
            const rows = draft.windows.filter((w) => w.weekday === weekday);
            return (
              <div key={weekday} className="calendar-day" role="group" aria-label={day}>
                <span className="calendar-day__name" aria-hidden="true">
                  {weekdayShort[weekday]}
                </span>
                <div className="calendar-day__windows">
                  {rows.length === 0 && <span className="muted small">off</span>}
                  {rows.map((w, i) => (
                    <TimeRange
                      key={w.key}
                      idBase={`${ids}-${w.key}`}
                      label={`${day} window ${i + 1}`}
                      start={w.start}
                      end={w.end}
                      onStart={(start) => setWindow(w.key, { start })}
                      onEnd={(end) => setWindow(w.key, { end })}
                      onRemove={() => removeWindow(w)}
                      note={crossesMidnight(w) ? `until ${weekdayShort[(weekday + 1) % 7]}` : undefined}
                      error={errorOf(w.key)}
                    />
                  ))}
                </div>
                <Button size="sm" id={`${ids}-add-${weekday}`} onClick={() => addWindow(weekday)} aria-label={`Add a window on ${day}`}>
                  + Window
                </Button>
              </div>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Exceptions</legend>
        <p className="muted small calendar-hint">A listed date replaces its weekday's hours: closed all day, or only the special hours given.</p>
        <div className="stack">
          {draft.exceptions.length === 0 && <span className="muted small">No exceptions</span>}
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
              + Exception
            </Button>
          </div>
        </div>
      </fieldset>

      <div ref={alerts} className="stack">
        <ErrorAlert error={save.error} title="Save refused" />
        <ErrorAlert error={remove.error} title="Delete refused" />
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
          aria-label={`${label} start`}
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
          aria-label={`${label} end`}
          value={props.end}
          onChange={(e) => props.onEnd(e.target.value)}
          {...invalid}
        />
        {props.note && <span className="muted small">{props.note}</span>}
        <IconButton size="sm" label={`Remove ${label}`} onClick={props.onRemove}>
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
  const label = `Exception ${n}`;
  const invalid = error ? { 'aria-invalid': true as const, 'aria-describedby': `${idBase}-error` } : {};
  return (
    <div className="calendar-exception" role="group" aria-label={row.date ? `${label}, ${row.date}` : label}>
      <input
        id={`${idBase}-date`}
        type="date"
        className="input calendar-date"
        aria-label={`${label} date`}
        value={row.date}
        onChange={(e) => onChange({ date: e.target.value })}
        {...invalid}
      />
      <select
        className="select calendar-kind"
        aria-label={`${label} kind`}
        value={row.closed ? 'closed' : 'hours'}
        onChange={(e) =>
          onChange({ closed: e.target.value === 'closed', ...(e.target.value === 'hours' && !row.start ? { start: '06:00', end: '12:00' } : {}) })
        }
      >
        <option value="closed">Closed all day</option>
        <option value="hours">Special hours</option>
      </select>
      {row.closed ? (
        <span className="calendar-exception__times muted small">no work</span>
      ) : (
        <span className="calendar-exception__times">
          <input
            className="input calendar-time"
            inputMode="numeric"
            placeholder="06:00"
            aria-label={`${label} start`}
            value={row.start}
            onChange={(e) => onChange({ start: e.target.value })}
            {...invalid}
          />
          <span aria-hidden="true">–</span>
          <input
            className="input calendar-time"
            inputMode="numeric"
            placeholder="12:00"
            aria-label={`${label} end`}
            value={row.end}
            onChange={(e) => onChange({ end: e.target.value })}
            {...invalid}
          />
        </span>
      )}
      <input
        className="input calendar-note"
        aria-label={`${label} note`}
        placeholder="Note, e.g. Christmas Eve"
        maxLength={200}
        value={row.note}
        onChange={(e) => onChange({ note: e.target.value })}
      />
      <IconButton size="sm" label={`Remove ${label.toLowerCase()}`} onClick={onRemove}>
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
