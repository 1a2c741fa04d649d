/**
 * A printable lot label: the lot code in large type, its material, heat
 * number and quantity, and a QR code of `<origin>/lots/<code>` (any phone
 * camera opens the lot's page; the portal's scanner reads the code from it,
 * and takes a bare lot code as well). The lot's facts come from
 * GET /lots/:code (the lots module); without it the label carries the code.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { QrCode } from '../../components/QrCode';
import { formatDate, formatQuantity } from '../../format';
import { lotUrl } from '../../scan/scan';
import { Button } from '../../ui';
import './travelers.css';

/** What a label shows of a lot; every field but the code is optional (read loosely from the lots API). */
interface LotFacts {
  code?: string;
  lotCode?: string;
  materialCode?: string;
  materialName?: string;
  heatNumber?: string | null;
  supplier?: string | null;
  quantity?: number;
  unit?: string;
  receivedAt?: string | null;
}

export function LotLabelPage({ code }: { code: string }) {
  const { t } = useTranslation();
  const lot = useQuery({ queryKey: ['lots', 'label', code], queryFn: () => api.get<LotFacts>(`/lots/${encodeURIComponent(code)}`), retry: false });
  const facts = lot.data ?? {};
  return (
    <div className="lot-label-page">
      <div className="no-print row">
        <span className="muted small">{lot.isError ? t('lotLabel.noFacts') : t('lotLabel.hint')}</span>
        <span className="spacer" />
        <Button variant="primary" onClick={() => window.print()}>
          {t('traveler.print')}
        </Button>
      </div>
      <LotLabel code={code} facts={facts} />
    </div>
  );
}

export function LotLabel({ code, facts }: { code: string; facts: LotFacts }) {
  const { t } = useTranslation();
  return (
    <div className="lot-label" data-testid="lot-label" data-lot={code}>
      <QrCode value={lotUrl(window.location.origin, code)} size={140} label={t('lotLabel.qrLabel', { code })} testId="lot-label-qr" />
      <div className="lot-label__facts">
        <div className="lot-label__code mono">{code}</div>
        {facts.materialCode && (
          <div>
            <strong>{facts.materialCode}</strong> {facts.materialName}
          </div>
        )}
        <div>
          {t('lotLabel.heat')}: <strong className="mono">{facts.heatNumber || '—'}</strong>
        </div>
        {facts.quantity !== undefined && (
          <div>
            {t('lotLabel.quantity')}: {formatQuantity(facts.quantity)} {facts.unit}
          </div>
        )}
        {facts.supplier && (
          <div>
            {t('lotLabel.supplier')}: {facts.supplier}
          </div>
        )}
        {facts.receivedAt && (
          <div>
            {t('lotLabel.received')}: {formatDate(facts.receivedAt)}
          </div>
        )}
      </div>
    </div>
  );
}
