/** An on-screen numeric keypad with big keys, for gloves and tablets. */
import { useTranslation } from 'react-i18next';
import { decimalSeparator } from '../format';
import { Button, IconButton } from './Button';
import { pressKey } from './keypad';

export function Keypad({
  value,
  onChange,
  decimals = true,
  code = false,
  label,
}: {
  value: string;
  onChange: (value: string) => void;
  decimals?: boolean;
  /** the digits are a code (a PIN), not a number: leading zeros stay */
  code?: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  const press = (key: string) => {
    const next = pressKey(value, key, { decimals: decimals && !code, code });
    if (next !== value) onChange(next);
  };
  return (
    <div className="keypad" role="group" aria-label={label}>
      {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((k) => (
        <Button key={k} onClick={() => press(k)} aria-label={`${label}: ${k}`}>
          {k}
        </Button>
      ))}
      {decimals && !code ? (
        <Button onClick={() => press('.')} aria-label={t('ui.keypad.decimalPoint', { label })}>
          {decimalSeparator()}
        </Button>
      ) : (
        <IconButton label={t('ui.keypad.clear', { label })} onClick={() => onChange('')}>
          C
        </IconButton>
      )}
      <Button onClick={() => press('0')} aria-label={`${label}: 0`}>
        0
      </Button>
      <IconButton label={t('ui.keypad.deleteLast', { label })} onClick={() => onChange(value.slice(0, -1))}>
        ⌫
      </IconButton>
    </div>
  );
}
