/**
 * A step's checks on the tablet: big pass/fail buttons, keypad-friendly
 * number fields with the tolerance band and a live in/out colour, text, and a
 * photo from the camera (kept as a downscaled JPEG data URL in the result
 * until attachments exist). Required-at-start checks come first; the task's
 * Start and Complete buttons wait for them (the server enforces the same).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inTolerance, toleranceBand } from '../../../../src/modules/quality/quality.rules.js';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type AssignmentInspection, type InspectionItem, type ResultInput, useOpenNonconformance, useRecordResults } from '../../api/quality';
import { formatNumber } from '../../format';
import { Badge, Button, classNames, parseNumber } from '../../ui';

type ItemStatus = AssignmentInspection['items'][number];

/** A camera photo made small enough to keep in a result (longest side 1024 px, JPEG). */
async function photoDataUrl(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.8);
}

export function InspectionChecks({ assignmentId, state, editable }: { assignmentId: string; state: AssignmentInspection; editable: boolean }) {
  const { t } = useTranslation();
  const record = useRecordResults(assignmentId);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const save = (results: ResultInput[]) => record.mutate(results, { onSuccess: () => setDrafts({}) });
  const draftResults: ResultInput[] = Object.entries(drafts).flatMap(([key, text]) => {
    const [itemId, sample] = key.split('/').map(Number) as [number, number];
    const item = state.items.find((i) => i.item.id === itemId)?.item;
    if (!item || text.trim() === '') return [];
    // a measurement that does not parse goes as typed: the server names the field
    const value = item.kind === 'measurement' ? (parseNumber(text) ?? text) : text;
    return [{ itemId, sample, value }];
  });
  if (state.items.length === 0) return null;
  const ordered = [...state.items].sort((a, b) => (a.item.requiredAt === b.item.requiredAt ? 0 : a.item.requiredAt === 'start' ? -1 : 1));
  return (
    <section className="qchecks" data-testid="inspection-checks" aria-label={t('quality.checks')}>
      <h3 className="qchecks__title">{t('quality.checks')}</h3>
      <ErrorAlert error={record.error} />
      {ordered.map((s) => (
        <CheckItem key={s.item.id} status={s} editable={editable} drafts={drafts} setDraft={(k, v) => setDrafts((d) => ({ ...d, [k]: v }))} onRecord={save} />
      ))}
      {editable && draftResults.length > 0 && (
        <Button size="xl" variant="primary" onClick={() => save(draftResults)} disabled={record.isPending} data-testid="save-checks">
          {t('quality.saveChecks', { n: formatNumber(draftResults.length) })}
        </Button>
      )}
      {editable && state.affectedQuantity > 0 && <NonconformanceForm assignmentId={assignmentId} state={state} />}
    </section>
  );
}

function CheckItem({
  status,
  editable,
  drafts,
  setDraft,
  onRecord,
}: {
  status: ItemStatus;
  editable: boolean;
  drafts: Record<string, string>;
  setDraft: (key: string, value: string) => void;
  onRecord: (results: ResultInput[]) => void;
}) {
  const { t } = useTranslation();
  const { item, results, missingSamples, failedSamples } = status;
  const current = (sample: number) => results.find((r) => r.sample === sample);
  const tone = failedSamples.length > 0 ? 'danger' : missingSamples.length > 0 ? 'warning' : 'success';
  return (
    <div className={classNames('qcheck', `qcheck--${tone}`)} data-testid={`check-${item.id}`} data-kind={item.kind}>
      <div className="qcheck__head">
        <strong>{item.label}</strong>
        <Badge tone={item.requiredAt === 'start' ? 'info' : 'neutral'}>
          {item.requiredAt === 'start' ? t('quality.beforeStart') : t('quality.beforeComplete')}
        </Badge>
        {failedSamples.length > 0 && <Badge tone="danger">{t('quality.failed')}</Badge>}
        {failedSamples.length === 0 && missingSamples.length === 0 && <Badge tone="success">{t('quality.done')}</Badge>}
      </div>
      {item.kind === 'pass_fail' && (
        <div className="qcheck__buttons">
          <Button
            size="xl"
            variant={current(1)?.value === true ? 'primary' : 'default'}
            disabled={!editable}
            onClick={() => onRecord([{ itemId: item.id, value: true }])}
            aria-pressed={current(1)?.value === true}
          >
            ✔ {t('quality.pass')}
          </Button>
          <Button
            size="xl"
            variant={current(1)?.value === false ? 'danger' : 'default'}
            disabled={!editable}
            onClick={() => onRecord([{ itemId: item.id, value: false }])}
            aria-pressed={current(1)?.value === false}
          >
            ✘ {t('quality.fail')}
          </Button>
        </div>
      )}
      {item.kind === 'measurement' && <MeasurementSamples item={item} status={status} editable={editable} drafts={drafts} setDraft={setDraft} />}
      {item.kind === 'text' && (
        <textarea
          className="input qcheck__text"
          aria-label={item.label}
          disabled={!editable}
          value={drafts[`${item.id}/1`] ?? (typeof current(1)?.value === 'string' ? String(current(1)!.value) : '')}
          onChange={(e) => setDraft(`${item.id}/1`, e.target.value)}
        />
      )}
      {item.kind === 'photo' && (
        <div className="qcheck__photo">
          {typeof current(1)?.value === 'string' && <img src={String(current(1)!.value)} alt={item.label} className="qcheck__thumb" />}
          {editable && (
            <label className="btn btn--xl">
              📷 {t('quality.takePhoto')}
              <input
                type="file"
                accept="image/*"
                capture="environment"
                className="sr-only"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) void photoDataUrl(file).then((value) => onRecord([{ itemId: item.id, value }]));
                }}
              />
            </label>
          )}
        </div>
      )}
    </div>
  );
}

function MeasurementSamples({
  item,
  status,
  editable,
  drafts,
  setDraft,
}: {
  item: InspectionItem;
  status: ItemStatus;
  editable: boolean;
  drafts: Record<string, string>;
  setDraft: (key: string, value: string) => void;
}) {
  const { t } = useTranslation();
  const band = toleranceBand(item);
  return (
    <div className="qcheck__samples">
      <div className="muted" data-testid={`band-${item.id}`}>
        {t('quality.band', {
          nominal: formatNumber(item.nominal ?? 0),
          min: formatNumber(band?.min ?? 0),
          max: formatNumber(band?.max ?? 0),
          unit: item.unit ?? '',
        })}
      </div>
      {Array.from({ length: item.samples }, (_, k) => k + 1).map((sample) => {
        const key = `${item.id}/${sample}`;
        const recorded = status.results.find((r) => r.sample === sample);
        const draft = drafts[key];
        const shown = draft !== undefined ? parseNumber(draft) : typeof recorded?.value === 'number' ? recorded.value : undefined;
        const tone = shown === undefined || Number.isNaN(shown) ? '' : inTolerance(item, shown) ? 'in' : 'out';
        return (
          <label key={sample} className="qcheck__sample">
            <span className="muted">{t('quality.sample', { n: sample })}</span>
            <input
              className={classNames('input', 'qcheck__number', tone && `qcheck__number--${tone}`)}
              inputMode="decimal"
              aria-label={`${item.label} ${sample}`}
              data-testid={`measure-${item.id}-${sample}`}
              data-tolerance={tone || undefined}
              disabled={!editable}
              value={draft ?? (typeof recorded?.value === 'number' ? String(recorded.value) : '')}
              onChange={(e) => setDraft(key, e.target.value)}
            />
            <span>{item.unit}</span>
          </label>
        );
      })}
    </div>
  );
}

/** The operator reports what failed: how many parts and what becomes of them (a planner approves). */
function NonconformanceForm({ assignmentId, state }: { assignmentId: string; state: AssignmentInspection }) {
  const { t } = useTranslation();
  const open = useOpenNonconformance(assignmentId);
  const [disposition, setDisposition] = useState<'rework' | 'scrap' | 'use_as_is'>('rework');
  const failed = state.items.filter((i) => i.failedSamples.length > 0).map((i) => i.item.id);
  return (
    <div className="qcheck qcheck--danger" data-testid="ncr-form">
      <strong>{t('quality.ncrTitle', { n: formatNumber(state.affectedQuantity) })}</strong>
      <ErrorAlert error={open.error} />
      {open.data && <Badge tone="info">{t('quality.ncrOpened', { code: open.data.code })}</Badge>}
      <div className="qcheck__buttons">
        {(['rework', 'scrap', 'use_as_is'] as const).map((d) => (
          <Button key={d} size="lg" variant={disposition === d ? 'primary' : 'default'} aria-pressed={disposition === d} onClick={() => setDisposition(d)}>
            {t(dispositionKeys[d])}
          </Button>
        ))}
      </div>
      <Button
        size="xl"
        variant="danger"
        disabled={open.isPending}
        onClick={() => open.mutate({ quantity: state.affectedQuantity, itemIds: failed, disposition })}
      >
        {t('quality.openNcr')}
      </Button>
    </div>
  );
}

export const dispositionKeys = {
  rework: 'quality.disposition.rework',
  scrap: 'quality.disposition.scrap',
  use_as_is: 'quality.disposition.use_as_is',
} as const;
