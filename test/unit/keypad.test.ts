import { describe, expect, it } from 'vitest';
import { pressKey } from '../../web/src/ui/keypad.js';

const type = (keys: string, options?: Parameters<typeof pressKey>[2]) => [...keys].reduce((value, key) => pressKey(value, key, options), '');

describe('the on-screen keypad', () => {
  it('keeps a PIN as typed, leading zeros included', () => {
    expect(type('050802', { code: true })).toBe('050802');
    expect(type('0000', { code: true })).toBe('0000');
    expect(type('12.3', { code: true })).toBe('123');
  });

  it('types numbers: no leading zero, one decimal point, at most 3 decimals', () => {
    expect(type('05')).toBe('5');
    expect(type('.5')).toBe('0.5');
    expect(type('1.2.3')).toBe('1.23');
    expect(type('2.12345')).toBe('2.123');
    expect(type('1.5', { decimals: false })).toBe('15');
  });
});
