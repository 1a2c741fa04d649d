/**
 * What operators reported on a plan's steps: open problems first, each with
 * category, text, who and when; a planner resolves one with an optional
 * note. Kept live by the stream (problem_reported / problem_resolved come on
 * the assignments topic).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useResolveProblem } from '../../api/problems';
import type { ProblemView } from '../../api/types';
import { formatDateTime, formatNumber } from '../../format';
import { problemCategoryLabel } from '../../labels';
import { Badge, Button, Card, type Column, Dialog, Table, TextAreaField } from '../../ui';

/** Open first, then newest first (the server sends newest first). */
export function sortProblems(problems: readonly ProblemView[]): ProblemView[] {
  return [...problems].sort((a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) || b.id - a.id);
}

export function PlanProblems({ problems, workerName }: { problems: ProblemView[]; workerName: (workerId: string) => string | undefined }) {
  const { t } = useTranslation();
  const [resolving, setResolving] = useState<ProblemView | null>(null);
  const open = problems.filter((p) => !p.resolvedAt).length;
  const columns: Column<ProblemView>[] = [
    {
      key: 'state',
      header: t('problems.col.state'),
      render: (p) => (p.resolvedAt ? <Badge tone="success">{t('problems.resolved')}</Badge> : <Badge tone="danger">{t('problems.open')}</Badge>),
    },
    {
      key: 'step',
      header: t('plan.col.step'),
      render: (p) => (
        <span>
          <span className="mono">{p.nodeId}</span> {p.nodeName}
        </span>
      ),
    },
    { key: 'category', header: t('problems.col.category'), render: (p) => problemCategoryLabel(p.category) },
    { key: 'text', header: t('problems.col.problem'), className: 'problem-text', render: (p) => <span data-testid={`problem-${p.id}`}>{p.text}</span> },
    {
      key: 'reported',
      header: t('problems.col.reported'),
      render: (p) => (
        <span className="small">
          <Reporter problem={p} workerName={workerName} />
          <br />
          <span className="muted nowrap">{formatDateTime(p.reportedAt)}</span>
        </span>
      ),
    },
    {
      key: 'resolution',
      header: t('problems.col.resolution'),
      render: (p) =>
        p.resolvedAt ? (
          <span className="small">
            {p.resolution || <span className="muted">{t('problems.noNote')}</span>}
            <br />
            <span className="muted">
              {p.resolvedBy} · {formatDateTime(p.resolvedAt)}
            </span>
          </span>
        ) : (
          <Button size="sm" onClick={() => setResolving(p)} aria-label={t('problems.resolveRow', { id: p.id, text: p.text })}>
            {t('problems.resolve')}
          </Button>
        ),
    },
  ];
  return (
    <Card
      title={t('plan.problems')}
      actions={
        open > 0 ? <Badge tone="danger">{t('plan.openCount', { n: formatNumber(open) })}</Badge> : <Badge tone="success">{t('problems.noneOpen')}</Badge>
      }
      flush
      data-testid="plan-problems"
    >
      <Table caption={t('problems.caption')} columns={columns} rows={problems} rowKey={(p) => String(p.id)} empty={t('problems.noneReported')} />
      {resolving && <ResolveDialog problem={resolving} workerName={workerName} onClose={() => setResolving(null)} />}
    </Card>
  );
}

/** The worker of the step by name; who typed the report when that was someone else (a planner on their behalf). */
function Reporter({ problem, workerName }: { problem: ProblemView; workerName: (workerId: string) => string | undefined }) {
  const { t } = useTranslation();
  const name = workerName(problem.workerId);
  return (
    <>
      {name ?? problem.workerId} {name && <span className="mono muted">{problem.workerId}</span>}
      {problem.reportedBy !== problem.workerId && <span className="muted"> {t('problems.via', { who: problem.reportedBy })}</span>}
    </>
  );
}

function ResolveDialog({ problem, workerName, onClose }: { problem: ProblemView; workerName: (workerId: string) => string | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const [resolution, setResolution] = useState('');
  const run = useResolveProblem(problem.id, { onSuccess: onClose });
  return (
    <Dialog
      open
      title={t('problems.resolveTitle', { id: problem.nodeId, name: problem.nodeName })}
      onClose={onClose}
      onSubmit={() => run.mutate(resolution.trim())}
      footer={
        <>
          <Button onClick={onClose}>{t('problems.keepOpen')}</Button>
          <Button type="submit" variant="primary" disabled={run.isPending}>
            {run.isPending ? t('common.working') : t('problems.markResolved')}
          </Button>
        </>
      }
    >
      <p>
        <strong>{problemCategoryLabel(problem.category)}:</strong> {problem.text}
        <br />
        <span className="muted small">
          {t('problems.reportedBy')} <Reporter problem={problem} workerName={workerName} /> · {formatDateTime(problem.reportedAt)}
        </span>
      </p>
      <TextAreaField label={t('problems.whatWasDone')} value={resolution} onChange={(e) => setResolution(e.target.value)} maxLength={2000} />
      <ErrorAlert error={run.error} title={t('problems.resolveRefused')} />
    </Dialog>
  );
}
