/** What the on-screen keypad does with a key press (Keypad.tsx draws it). */

/**
 * The value after a key press. A number (`decimals` or not) drops a leading
 * zero and keeps at most 3 decimals; a code (a PIN) keeps every digit as
 * typed, leading zeros included.
 */
export function pressKey(value: string, key: string, { decimals = true, code = false }: { decimals?: boolean; code?: boolean } = {}): string {
  if (code) return key === '.' ? value : value + key;
  if (key === '.' && (value.includes('.') || !decimals)) return value;
  if (key === '.' && value === '') return '0.';
  if (value === '0' && key !== '.') return key;
  const [, fraction] = value.split('.');
  if (fraction !== undefined && fraction.length >= 3) return value;
  return value + key;
}
