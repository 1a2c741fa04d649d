/**
 * "51–100" with Previous / Next, for lists the API pages by cursor (keyset):
 * no total is counted, Next shows while the API gives a next cursor.
 */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format';
import { Button } from './Button';

export function CursorPager({
  first,
  shown,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  label,
}: {
  /** position of the first row shown, from 1 */
  first: number;
  shown: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  label: string;
}) {
  const { t } = useTranslation();
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label={t('ui.pager.pages', { label })}>
      <span className="muted small" role="status" data-testid="pager-range">
        {shown === 0 ? t('ui.pager.none') : t('ui.pager.rangeOpen', { from: formatNumber(first), to: formatNumber(first + shown - 1) })}
      </span>
      <Button onClick={onPrevious} disabled={!hasPrevious}>
        ‹ {t('ui.pager.previous')}
      </Button>
      <Button onClick={onNext} disabled={!hasNext}>
        {t('ui.pager.next')} ›
      </Button>
    </nav>
  );
}
