/** "1–50 of 213" with Previous / Next, for lists the API pages (limit + offset). */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format';
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
  const { t } = useTranslation();
  if (total <= limit && offset === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={t('ui.pager.pages', { label })}>
      <span className="muted small" role="status" data-testid="pager-range">
        {total === 0 ? t('ui.pager.none') : t('ui.pager.range', { from: formatNumber(offset + 1), to: formatNumber(last), total: formatNumber(total) })}
      </span>
      <Button onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
        ‹ {t('ui.pager.previous')}
      </Button>
      <Button onClick={() => onOffset(offset + limit)} disabled={last >= total}>
        {t('ui.pager.next')} ›
      </Button>
    </nav>
  );
}
