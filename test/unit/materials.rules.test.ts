import { describe, expect, it } from 'vitest';
import { allowsFractions } from '../../src/modules/materials/materials.rules.js';

describe('allowsFractions (the completion keypad offers a decimal point only where it makes sense)', () => {
  it('allows decimals for measured units, whatever their case or spacing', () => {
    for (const unit of ['kg', 'KG', ' m ', 'mm', 'm2', 'm²', 'l', 'h']) expect(allowsFractions(unit), unit).toBe(true);
  });

  it('counts pieces, sheets, bars and unknown or missing units in whole numbers', () => {
    for (const unit of ['pcs', 'sheet', 'bar', 'box', '', null, undefined]) expect(allowsFractions(unit), String(unit)).toBe(false);
  });
});
