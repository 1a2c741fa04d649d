/** A lot's status: active, or blocked (quarantine) with the reason as its title. */
import { useTranslation } from 'react-i18next';
import type { Lot } from '../api/lots';
import { Badge } from '../ui';

export function LotStatusBadge({ lot }: { lot: Pick<Lot, 'status' | 'blockedReason'> }) {
  const { t } = useTranslation();
  return lot.status === 'blocked' ? (
    <Badge tone="danger" title={lot.blockedReason ?? undefined}>
      {t('lots.status.blocked')}
    </Badge>
  ) : (
    <Badge tone="success">{t('lots.status.active')}</Badge>
  );
}
