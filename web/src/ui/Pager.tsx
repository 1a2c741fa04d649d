/** "1–50 of 213" with Previous / Next, for lists the API pages (limit + offset). */
import { Button } from './Button';

export function Pager({
  total,
  offset,
  limit,
  onOffset,
  label,
}: {
  total: number;
  offset: number;
  limit: number;
  onOffset: (offset: number) => void;
  label: string;
}) {
  if (total <= limit && offset === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${label}: pages`}>
      <span className="muted small" role="status" data-testid="pager-range">
        {total === 0 ? 'none' : `${offset + 1}–${last} of ${total}`}
      </span>
      <Button onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
        ‹ Previous
      </Button>
      <Button onClick={() => onOffset(offset + limit)} disabled={last >= total}>
        Next ›
      </Button>
    </nav>
  );
}
