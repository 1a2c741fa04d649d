/** The dialogs of pause (with a reason), complete (good and scrap on a keypad) and report problem. */
import { useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import type { PauseReason, ProblemCategory, WorkerTask } from '../../api/types';
import { allowsFractions } from '../../../../src/modules/materials/materials.rules.js';
import { Alert, Button, Dialog, Keypad, TextAreaField } from '../../ui';

type DialogError = unknown;

function ActionError({ error }: { error: DialogError }) {
  if (!error) return null;
  if (error === 'unsent')
    return (
      <Alert tone="danger" title="Not sent">
        No answer from the server. Tap the button again to retry — it will not be done twice.
      </Alert>
    );
  return <ErrorAlert error={error} title="Refused" />;
}

const pauseReasons: Record<PauseReason, string> = {
  break: 'Break',
  material_missing: 'Material missing',
  machine_fault: 'Machine fault',
  quality_problem: 'Quality problem',
  other: 'Other',
};

export function PauseDialog({
  busy,
  error,
  onClose,
  onSubmit,
}: {
  busy: boolean;
  error: DialogError;
  onClose: () => void;
  onSubmit: (body: { reason: PauseReason; note?: string }) => void;
}) {
  const [reason, setReason] = useState<PauseReason | null>(null);
  const [note, setNote] = useState('');
  const needsNote = reason === 'other' && !note.trim();
  return (
    <Dialog
      open
      title="Pause — why?"
      onClose={onClose}
      onSubmit={() => reason && !needsNote && onSubmit({ reason, ...(note.trim() ? { note: note.trim() } : {}) })}
      footer={
        <>
          <Button size="lg" onClick={onClose}>
            Back
          </Button>
          <Button size="lg" type="submit" variant="primary" disabled={!reason || needsNote || busy}>
            Pause
          </Button>
        </>
      }
    >
      <div className="choice-grid" role="group" aria-label="Pause reason">
        {(Object.keys(pauseReasons) as PauseReason[]).map((r) => (
          <Button key={r} size="lg" aria-pressed={reason === r} onClick={() => setReason(r)}>
            {pauseReasons[r]}
          </Button>
        ))}
      </div>
      <TextAreaField
        label={reason === 'other' ? 'What happened? (required)' : 'Note (optional)'}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={2000}
      />
      <ActionError error={error} />
    </Dialog>
  );
}

const problemCategories: Record<ProblemCategory, string> = {
  material: 'Material',
  machine: 'Machine',
  quality: 'Quality',
  safety: 'Safety',
  other: 'Other',
};

export function ProblemDialog({
  busy,
  error,
  onClose,
  onSubmit,
}: {
  busy: boolean;
  error: DialogError;
  onClose: () => void;
  onSubmit: (body: { category: ProblemCategory; text: string }) => void;
}) {
  const [category, setCategory] = useState<ProblemCategory | null>(null);
  const [text, setText] = useState('');
  return (
    <Dialog
      open
      title="Report a problem"
      onClose={onClose}
      onSubmit={() => category && text.trim() && onSubmit({ category, text: text.trim() })}
      footer={
        <>
          <Button size="lg" onClick={onClose}>
            Back
          </Button>
          <Button size="lg" type="submit" variant="danger" disabled={!category || !text.trim() || busy}>
            Send report
          </Button>
        </>
      }
    >
      <div className="choice-grid" role="group" aria-label="Kind of problem">
        {(Object.keys(problemCategories) as ProblemCategory[]).map((c) => (
          <Button key={c} size="lg" aria-pressed={category === c} onClick={() => setCategory(c)}>
            {problemCategories[c]}
          </Button>
        ))}
      </div>
      <TextAreaField label="What is wrong?" value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} required />
      <ActionError error={error} />
    </Dialog>
  );
}

const scrapReasons = ['Dimension out of tolerance', 'Surface damage', 'Material defect', 'Setup piece'];

export function CompleteDialog({
  task,
  busy,
  error,
  onClose,
  onSubmit,
}: {
  task: WorkerTask;
  busy: boolean;
  error: DialogError;
  onClose: () => void;
  onSubmit: (body: { goodQuantity: number; scrapQuantity: number; scrapReason?: string; overrun?: true }) => void;
}) {
  // nothing pre-filled: one tap must not report every planned part good
  const [good, setGood] = useState('');
  const [overrun, setOverrun] = useState(false);
  const [scrap, setScrap] = useState('0');
  const [field, setField] = useState<'good' | 'scrap'>('good');
  const [reason, setReason] = useState('');
  // the first key after choosing a field replaces its value
  const [fresh, setFresh] = useState(true);
  const goodN = Number(good || '0');
  const scrapN = Number(scrap || '0');
  const needsReason = scrapN > 0 && !reason.trim();
  // more than planned is allowed, but only when the operator says so (the server refuses it otherwise)
  const over = goodN + scrapN > task.quantity;
  const valid = Number.isFinite(goodN) && Number.isFinite(scrapN) && goodN + scrapN > 0 && !needsReason && (!over || overrun);
  const value = field === 'good' ? good : scrap;
  const setValue = field === 'good' ? setGood : setScrap;
  const choose = (f: 'good' | 'scrap') => {
    setField(f);
    setFresh(true);
  };
  const type = (v: string) => {
    const current = value === '0' ? '' : value;
    if (fresh && v.length > current.length) {
      const typed = v.slice(current.length);
      setValue(typed === '.' ? '0.' : typed);
    } else setValue(v);
    setFresh(false);
  };
  return (
    <Dialog
      open
      wide
      title={`Complete ${task.nodeId} ${task.nodeName}`}
      onClose={onClose}
      onSubmit={() =>
        valid &&
        onSubmit({
          goodQuantity: goodN,
          scrapQuantity: scrapN,
          ...(scrapN > 0 ? { scrapReason: reason.trim() } : {}),
          ...(over ? { overrun: true as const } : {}),
        })
      }
      footer={
        <>
          <Button size="lg" onClick={onClose}>
            Back
          </Button>
          <Button size="lg" type="submit" variant="primary" disabled={!valid || busy}>
            Complete: {good || 0} good, {scrap || 0} scrap
          </Button>
        </>
      }
    >
      <div className="complete-grid">
        <div className="stack">
          <button
            type="button"
            className="qty-display"
            aria-pressed={field === 'good'}
            onClick={() => choose('good')}
            aria-label={`Good quantity ${good || 0}, tap to edit`}
          >
            <span className="muted">Good</span>
            <span className="qty-display__value" data-testid="good-quantity">
              {good || '0'}
            </span>
          </button>
          <button
            type="button"
            className="qty-display"
            aria-pressed={field === 'scrap'}
            onClick={() => choose('scrap')}
            aria-label={`Scrap quantity ${scrap || 0}, tap to edit`}
          >
            <span className="muted">Scrap</span>
            <span className="qty-display__value" data-testid="scrap-quantity">
              {scrap || '0'}
            </span>
          </button>
          <span className="muted small">Planned quantity: {task.quantity}</span>
        </div>
        <div className="stack">
          <Keypad
            value={value === '0' ? '' : value}
            onChange={type}
            decimals={allowsFractions(task.output?.unit)}
            label={field === 'good' ? 'Good quantity' : 'Scrap quantity'}
          />
          <Button size="lg" onClick={() => setValue('')}>
            Clear {field}
          </Button>
        </div>
      </div>
      {over && (
        <Alert tone="warning" title={`${goodN + scrapN} parts is more than the ${task.quantity} planned`}>
          <Button size="lg" aria-pressed={overrun} onClick={() => setOverrun(!overrun)}>
            Yes, more than planned
          </Button>
        </Alert>
      )}
      {scrapN > 0 && (
        <div className="stack">
          <div className="choice-grid" role="group" aria-label="Scrap reason">
            {scrapReasons.map((r) => (
              <Button key={r} size="lg" aria-pressed={reason === r} onClick={() => setReason(r)}>
                {r}
              </Button>
            ))}
          </div>
          <TextAreaField label="Scrap reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </div>
      )}
      <ActionError error={error} />
    </Dialog>
  );
}
