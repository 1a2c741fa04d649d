/** The dialogs of pause (with a reason), complete (good and scrap on a keypad) and report problem. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import type { PauseReason, ProblemCategory, WorkerTask } from '../../api/types';
import { allowsFractions } from '../../../../src/modules/materials/materials.rules.js';
import { formatQuantity } from '../../format';
import { pauseReasonLabel, pauseReasons, problemCategories, problemCategoryLabel } from '../../labels';
import { Alert, Button, Dialog, Keypad, TextAreaField } from '../../ui';
import { type ChosenLot, LotPicker } from './LotPicker';
import { expectedOf, lowered, reportsMore } from './completion';

type DialogError = unknown;

function ActionError({ error }: { error: DialogError }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <ErrorAlert error={error} title={t('portal.refused')} />;
}

/** Back, and the dialog's submit button (the form's submit: Enter sends too). */
function DialogFooter({ label, variant, disabled, onClose }: { label: string; variant: 'primary' | 'danger'; disabled: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Button size="lg" onClick={onClose}>
        {t('dialogs.back')}
      </Button>
      <Button size="lg" type="submit" variant={variant} disabled={disabled}>
        {label}
      </Button>
    </>
  );
}

/** One large toggle button per choice, the chosen one pressed. */
function ChoiceGrid<T extends string>({
  label,
  choices,
  chosen,
  labelOf,
  onChoose,
}: {
  label: string;
  choices: readonly T[];
  chosen: T | null;
  labelOf: (choice: T) => string;
  onChoose: (choice: T) => void;
}) {
  return (
    <div className="choice-grid" role="group" aria-label={label}>
      {choices.map((c) => (
        <Button key={c} size="lg" aria-pressed={chosen === c} onClick={() => onChoose(c)}>
          {labelOf(c)}
        </Button>
      ))}
    </div>
  );
}

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
  const { t } = useTranslation();
  const [reason, setReason] = useState<PauseReason | null>(null);
  const [note, setNote] = useState('');
  const needsNote = reason === 'other' && !note.trim();
  return (
    <Dialog
      open
      title={t('dialogs.pauseWhy')}
      onClose={onClose}
      onSubmit={() => reason && !needsNote && onSubmit({ reason, ...(note.trim() ? { note: note.trim() } : {}) })}
      footer={<DialogFooter label={t('portal.pause')} variant="primary" disabled={!reason || needsNote || busy} onClose={onClose} />}
    >
      <ChoiceGrid label={t('dialogs.pauseReason')} choices={pauseReasons} chosen={reason} labelOf={pauseReasonLabel} onChoose={setReason} />
      <TextAreaField
        label={reason === 'other' ? t('dialogs.whatHappened') : t('dialogs.noteOptional')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={2000}
      />
      <ActionError error={error} />
    </Dialog>
  );
}

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
  const { t } = useTranslation();
  const [category, setCategory] = useState<ProblemCategory | null>(null);
  const [text, setText] = useState('');
  return (
    <Dialog
      open
      title={t('dialogs.reportProblem')}
      onClose={onClose}
      onSubmit={() => category && text.trim() && onSubmit({ category, text: text.trim() })}
      footer={<DialogFooter label={t('dialogs.sendReport')} variant="danger" disabled={!category || !text.trim() || busy} onClose={onClose} />}
    >
      <ChoiceGrid label={t('dialogs.kindOfProblem')} choices={problemCategories} chosen={category} labelOf={problemCategoryLabel} onChoose={setCategory} />
      <TextAreaField label={t('dialogs.whatIsWrong')} value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} required />
      <ActionError error={error} />
    </Dialog>
  );
}

/** Common scrap reasons, one tap each; the chosen words are stored as the reason, in the operator's language. */
const scrapReasons = ['dialogs.scrap.dimension', 'dialogs.scrap.surface', 'dialogs.scrap.material', 'dialogs.scrap.setup'];

export function CompleteDialog({
  task,
  busy,
  error,
  onClose,
  onSubmit,
  scannedLot = null,
  onScanLot,
}: {
  task: WorkerTask;
  busy: boolean;
  error: DialogError;
  onClose: () => void;
  onSubmit: (body: { goodQuantity: number; scrapQuantity: number; scrapReason?: string; overrun?: true; lots?: ChosenLot[] }) => void;
  /** A lot label scanned while the form is open (portal-wide wedge or camera). */
  scannedLot?: { code: string; n: number } | null;
  onScanLot?: () => void;
}) {
  const { t } = useTranslation();
  // nothing pre-filled: one tap must not report every planned part good
  const [good, setGood] = useState('');
  const [overrun, setOverrun] = useState(false);
  const [scrap, setScrap] = useState('0');
  const [field, setField] = useState<'good' | 'scrap'>('good');
  const [reason, setReason] = useState('');
  // the first key after choosing a field replaces its value
  const [fresh, setFresh] = useState(true);
  // the lots consumed (scanned or typed); none: the server takes them first-in-first-out
  const [lots, setLots] = useState<ChosenLot[]>([]);
  const goodN = Number(good || '0');
  const scrapN = Number(scrap || '0');
  const needsReason = scrapN > 0 && !reason.trim();
  // more than expected (the planned quantity less what scrap upstream took) is allowed, but only when the
  // operator says so (the server refuses more than planned otherwise)
  const over = reportsMore(task, goodN, scrapN);
  const expected = expectedOf(task);
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
      title={t('dialogs.completeTitle', { id: task.nodeId, name: task.nodeName })}
      onClose={onClose}
      onSubmit={() =>
        valid &&
        onSubmit({
          goodQuantity: goodN,
          scrapQuantity: scrapN,
          ...(scrapN > 0 ? { scrapReason: reason.trim() } : {}),
          ...(over ? { overrun: true as const } : {}),
          ...(lots.length > 0 ? { lots } : {}),
        })
      }
      footer={
        <DialogFooter
          label={t('dialogs.completeButton', { good: good || 0, scrap: scrap || 0 })}
          variant="primary"
          disabled={!valid || busy}
          onClose={onClose}
        />
      }
    >
      <div className="complete-grid">
        <div className="stack">
          <button
            type="button"
            className="qty-display"
            aria-pressed={field === 'good'}
            onClick={() => choose('good')}
            aria-label={t('dialogs.goodEdit', { n: good || 0 })}
          >
            <span className="muted">{t('dialogs.good')}</span>
            <span className="qty-display__value" data-testid="good-quantity">
              {good || '0'}
            </span>
          </button>
          <button
            type="button"
            className="qty-display"
            aria-pressed={field === 'scrap'}
            onClick={() => choose('scrap')}
            aria-label={t('dialogs.scrapEdit', { n: scrap || 0 })}
          >
            <span className="muted">{t('dialogs.scrapLabel')}</span>
            <span className="qty-display__value" data-testid="scrap-quantity">
              {scrap || '0'}
            </span>
          </button>
          <span className="muted small" data-testid="complete-expected">
            {lowered(task)
              ? t('dialogs.expectedQuantity', { expected: formatQuantity(expected), planned: formatQuantity(task.quantity) })
              : t('dialogs.plannedQuantity', { n: formatQuantity(task.quantity) })}
          </span>
        </div>
        <div className="stack">
          <Keypad
            value={value === '0' ? '' : value}
            onChange={type}
            decimals={allowsFractions(task.output?.unit)}
            label={field === 'good' ? t('dialogs.goodQuantity') : t('dialogs.scrapQuantity')}
          />
          <Button size="lg" onClick={() => setValue('')}>
            {field === 'good' ? t('dialogs.clearGood') : t('dialogs.clearScrap')}
          </Button>
        </div>
      </div>
      {over && (
        <Alert
          tone="warning"
          title={
            lowered(task)
              ? t('dialogs.overExpectedTitle', { n: formatQuantity(goodN + scrapN), expected: formatQuantity(expected) })
              : t('dialogs.overTitle', { n: formatQuantity(goodN + scrapN), planned: formatQuantity(task.quantity) })
          }
        >
          <Button size="lg" aria-pressed={overrun} onClick={() => setOverrun(!overrun)}>
            {lowered(task) ? t('dialogs.yesMoreExpected') : t('dialogs.yesMore')}
          </Button>
        </Alert>
      )}
      {scrapN > 0 && (
        <div className="stack">
          <ChoiceGrid label={t('dialogs.scrapReason')} choices={scrapReasons.map((key) => t(key))} chosen={reason} labelOf={(r) => r} onChoose={setReason} />
          <TextAreaField label={t('dialogs.scrapReasonRequired')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </div>
      )}
      {onScanLot && <LotPicker task={task} lots={lots} onChange={setLots} scanned={scannedLot} onScan={onScanLot} />}
      <ActionError error={error} />
    </Dialog>
  );
}
