import { describe, expect, it } from 'vitest';
import { expectedOf, lowered, reportsMore } from '../../web/src/pages/portal/completion.js';

describe('the portal completion dialog’s quantities', () => {
  // issue #15 item 3: 2 of 10 scrapped upstream, the portal shows "8 expected (planned 10)"
  const lowerTask = { quantity: 10, expectedQuantity: 8 };
  const plainTask = { quantity: 10, expectedQuantity: null };

  it('holds what is reported against the expected quantity once scrap upstream lowered it', () => {
    expect(expectedOf(lowerTask)).toBe(8);
    expect(lowered(lowerTask)).toBe(true);
    expect(reportsMore(lowerTask, 8, 0)).toBe(false);
    expect(reportsMore(lowerTask, 7, 1)).toBe(false);
    // more than the 8 expected asks first, though still within the 10 planned
    expect(reportsMore(lowerTask, 9, 0)).toBe(true);
    expect(reportsMore(lowerTask, 8, 1)).toBe(true);
    expect(reportsMore(lowerTask, 10, 0)).toBe(true);
  });

  it('without a lower expected quantity, against the planned one', () => {
    expect(expectedOf(plainTask)).toBe(10);
    expect(lowered(plainTask)).toBe(false);
    expect(lowered({ quantity: 10, expectedQuantity: 10 })).toBe(false);
    expect(reportsMore(plainTask, 10, 0)).toBe(false);
    expect(reportsMore(plainTask, 9, 1)).toBe(false);
    expect(reportsMore(plainTask, 10, 1)).toBe(true);
  });

  it('compares fractions at the 3 decimals a quantity has', () => {
    // 1.1 + 0.2 is 1.3000000000000003 in floating point
    expect(reportsMore({ quantity: 2, expectedQuantity: 1.3 }, 1.1, 0.2)).toBe(false);
    expect(reportsMore({ quantity: 2, expectedQuantity: 1.3 }, 1.1, 0.201)).toBe(true);
  });
});
