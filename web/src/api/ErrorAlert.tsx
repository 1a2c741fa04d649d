import { Alert } from '../ui';
import { describeError } from './client';

/** Shows why a request failed: the server's problem detail and any field errors. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const d = describeError(error);
  const extra = d.errors.filter((e) => e.message !== d.detail && !d.detail.endsWith(e.message));
  return (
    <Alert tone="danger" title={title ?? d.title}>
      <div data-testid="problem-detail">{d.detail}</div>
      {extra.length > 0 && (
        <ul>
          {extra.slice(0, 8).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
