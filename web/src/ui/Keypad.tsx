/** An on-screen numeric keypad with big keys, for gloves and tablets. */
import { Button, IconButton } from './Button';

export function Keypad({ value, onChange, decimals = true, label }: { value: string; onChange: (value: string) => void; decimals?: boolean; label: string }) {
  const press = (key: string) => {
    if (key === '.' && (value.includes('.') || !decimals)) return;
    if (key === '.' && value === '') return onChange('0.');
    if (value === '0' && key !== '.') return onChange(key);
    const [, fraction] = value.split('.');
    if (fraction !== undefined && fraction.length >= 3) return;
    onChange(value + key);
  };
  return (
    <div className="keypad" role="group" aria-label={label}>
      {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((k) => (
        <Button key={k} onClick={() => press(k)} aria-label={`${label}: ${k}`}>
          {k}
        </Button>
      ))}
      {decimals ? (
        <Button onClick={() => press('.')} aria-label={`${label}: decimal point`}>
          .
        </Button>
      ) : (
        <IconButton label={`${label}: clear`} onClick={() => onChange('')}>
          C
        </IconButton>
      )}
      <Button onClick={() => press('0')} aria-label={`${label}: 0`}>
        0
      </Button>
      <IconButton label={`${label}: delete last digit`} onClick={() => onChange(value.slice(0, -1))}>
        ⌫
      </IconButton>
    </div>
  );
}
