/**
 * The lots a completion consumes, picked by scanning their labels (camera or
 * wedge) or typing a code: each becomes `{materialCode, lotCode, quantity}` of
 * the completion body's `lots` (the lots contract; the server checks each:
 * unknown, blocked, another material, more than it holds). Which material a
 * lot is comes from the lot itself (GET /lots/:code) when the server knows
 * lots, else from the step's only stock material, else the operator chooses.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { WorkerTask } from '../../api/types';
import { Button, NumberInput, SelectField } from '../../ui';

export interface ChosenLot {
  materialCode: string;
  lotCode: string;
  quantity: number;
}

/** The material of a lot as the server knows it, or null (no lots module, or no such lot: the server judges at completion). */
async function materialOfLot(code: string): Promise<string | null> {
  try {
    const lot = await api.get<{ materialCode?: string }>(`/lots/${encodeURIComponent(code)}`);
    return typeof lot?.materialCode === 'string' ? lot.materialCode : null;
  } catch {
    return null;
  }
}

export function LotPicker({
  task,
  lots,
  onChange,
  scanned,
  onScan,
}: {
  task: WorkerTask;
  lots: ChosenLot[];
  onChange: (lots: ChosenLot[]) => void;
  /** The last lot code scanned while the form is open (with a counter, so the same code twice is two scans). */
  scanned: { code: string; n: number } | null;
  onScan: () => void;
}) {
  const { t } = useTranslation();
  const stockInputs = task.materialInputs.filter((m) => m.fromNodeId === null);
  const [typed, setTyped] = useState('');

  const add = async (code: string) => {
    const known = await materialOfLot(code);
    const material = known ?? (stockInputs.length === 1 ? stockInputs[0]!.materialCode : (stockInputs[0]?.materialCode ?? ''));
    const required = stockInputs.find((m) => m.materialCode === material)?.requiredQuantity ?? 1;
    onChange([...lots.filter((l) => l.lotCode !== code), { lotCode: code, materialCode: material, quantity: required }]);
  };

  useEffect(() => {
    if (scanned) void add(scanned.code);
    // a new scan only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scanned?.n]);

  const update = (code: string, change: Partial<ChosenLot>) => onChange(lots.map((l) => (l.lotCode === code ? { ...l, ...change } : l)));

  return (
    <fieldset className="lot-picker stack" data-testid="lot-picker">
      <legend>{t('lotPick.pickTitle')}</legend>
      <p className="muted small">{t('lotPick.pickHint')}</p>
      {lots.map((lot) => (
        <div key={lot.lotCode} className="row" data-testid="chosen-lot" data-lot={lot.lotCode} data-material={lot.materialCode}>
          <strong className="mono">{lot.lotCode}</strong>
          {stockInputs.length > 1 ? (
            <SelectField
              label={t('lotPick.material')}
              value={lot.materialCode}
              onChange={(e) => update(lot.lotCode, { materialCode: e.target.value })}
              options={stockInputs.map((m) => ({ value: m.materialCode, label: `${m.materialCode} · ${m.materialName}` }))}
            />
          ) : (
            <span>{lot.materialCode}</span>
          )}
          <NumberInput
            aria-label={t('lotPick.quantityOf', { code: lot.lotCode })}
            value={lot.quantity}
            min={0.001}
            onValue={(value) => value !== undefined && update(lot.lotCode, { quantity: value })}
          />
          <Button size="sm" onClick={() => onChange(lots.filter((l) => l.lotCode !== lot.lotCode))}>
            {t('lotPick.remove')}
          </Button>
        </div>
      ))}
      <div className="row">
        <Button size="lg" onClick={onScan}>
          {t('scan.button')}
        </Button>
        <input
          className="input"
          aria-label={t('lotPick.typeCode')}
          placeholder={t('lotPick.typeCode')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <Button
          size="lg"
          disabled={!typed.trim()}
          onClick={() => {
            void add(typed.trim());
            setTyped('');
          }}
        >
          {t('lotPick.add')}
        </Button>
      </div>
    </fieldset>
  );
}
