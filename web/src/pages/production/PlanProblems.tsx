/**
 * What operators reported on a plan's steps: open problems first, each with
 * category, text, who and when; a planner resolves one with an optional
 * note. Kept live by the stream (problem_reported / problem_resolved come on
 * the assignments topic).
 */
import { useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useResolveProblem } from '../../api/problems';
import type { ProblemView } from '../../api/types';
import { formatDateTime } from '../../format';
import { problemCategoryLabel } from '../../labels';
import { Badge, Button, Card, type Column, Dialog, Table, TextAreaField } from '../../ui';

/** Open first, then newest first (the server sends newest first). */
export function sortProblems(problems: readonly ProblemView[]): ProblemView[] {
  return [...problems].sort((a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) || b.id - a.id);
}

export function PlanProblems({ problems, workerName }: { problems: ProblemView[]; workerName: (workerId: string) => string | undefined }) {
  const [resolving, setResolving] = useState<ProblemView | null>(null);
  const open = problems.filter((p) => !p.resolvedAt).length;
  const columns: Column<ProblemView>[] = [
    {
      key: 'state',
      header: 'State',
      render: (p) => (p.resolvedAt ? <Badge tone="success">resolved</Badge> : <Badge tone="danger">open</Badge>),
    },
    {
      key: 'step',
      header: 'Step',
      render: (p) => (
        <span>
          <span className="mono">{p.nodeId}</span> {p.nodeName}
        </span>
      ),
    },
    { key: 'category', header: 'Category', render: (p) => problemCategoryLabel(p.category) },
    { key: 'text', header: 'Problem', className: 'problem-text', render: (p) => <span data-testid={`problem-${p.id}`}>{p.text}</span> },
    {
      key: 'reported',
      header: 'Reported',
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
      header: 'Resolution',
      render: (p) =>
        p.resolvedAt ? (
          <span className="small">
            {p.resolution || <span className="muted">no note</span>}
            <br />
            <span className="muted">
              {p.resolvedBy} · {formatDateTime(p.resolvedAt)}
            </span>
          </span>
        ) : (
          <Button size="sm" onClick={() => setResolving(p)} aria-label={`Resolve problem ${p.id}: ${p.text}`}>
            Resolve…
          </Button>
        ),
    },
  ];
  return (
    <Card
      title="Problems"
      actions={open > 0 ? <Badge tone="danger">{open} open</Badge> : <Badge tone="success">none open</Badge>}
      flush
      data-testid="plan-problems"
    >
      <Table caption="Problems reported from the shop floor" columns={columns} rows={problems} rowKey={(p) => String(p.id)} empty="No problem reported" />
      {resolving && <ResolveDialog problem={resolving} workerName={workerName} onClose={() => setResolving(null)} />}
    </Card>
  );
}

/** The worker of the step by name; who typed the report when that was someone else (a planner on their behalf). */
function Reporter({ problem, workerName }: { problem: ProblemView; workerName: (workerId: string) => string | undefined }) {
  const name = workerName(problem.workerId);
  return (
    <>
      {name ?? problem.workerId} {name && <span className="mono muted">{problem.workerId}</span>}
      {problem.reportedBy !== problem.workerId && <span className="muted"> via {problem.reportedBy}</span>}
    </>
  );
}

function ResolveDialog({ problem, workerName, onClose }: { problem: ProblemView; workerName: (workerId: string) => string | undefined; onClose: () => void }) {
  const [resolution, setResolution] = useState('');
  const run = useResolveProblem(problem.id, { onSuccess: onClose });
  return (
    <Dialog
      open
      title={`Resolve problem on ${problem.nodeId} ${problem.nodeName}`}
      onClose={onClose}
      onSubmit={() => run.mutate(resolution.trim())}
      footer={
        <>
          <Button onClick={onClose}>Keep open</Button>
          <Button type="submit" variant="primary" disabled={run.isPending}>
            {run.isPending ? 'Working…' : 'Mark resolved'}
          </Button>
        </>
      }
    >
      <p>
        <strong>{problemCategoryLabel(problem.category)}:</strong> {problem.text}
        <br />
        <span className="muted small">
          reported by <Reporter problem={problem} workerName={workerName} /> · {formatDateTime(problem.reportedAt)}
        </span>
      </p>
      <TextAreaField label="What was done (optional)" value={resolution} onChange={(e) => setResolution(e.target.value)} maxLength={2000} />
      <ErrorAlert error={run.error} title="Resolve refused" />
    </Dialog>
  );
}
