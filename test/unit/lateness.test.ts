import { describe, expect, it } from 'vitest';
import { latenessParts } from '../../web/src/lateness.js';

describe('lateness as people read it', () => {
  it('is on time at or before the due date', () => {
    expect(latenessParts(0)).toEqual({ late: false });
    expect(latenessParts(-5000)).toEqual({ late: false });
  });
  it('counts minutes under an hour, hours up to two days, days beyond', () => {
    expect(latenessParts(1)).toEqual({ late: true, unit: 'minutes', count: 1 });
    expect(latenessParts(59)).toEqual({ late: true, unit: 'minutes', count: 59 });
    expect(latenessParts(60)).toEqual({ late: true, unit: 'hours', count: 1 });
    expect(latenessParts(150)).toEqual({ late: true, unit: 'hours', count: 3 });
    expect(latenessParts(47 * 60 + 59)).toEqual({ late: true, unit: 'hours', count: 48 });
    expect(latenessParts(48 * 60)).toEqual({ late: true, unit: 'days', count: 2 });
    expect(latenessParts(10 * 1440 + 700)).toEqual({ late: true, unit: 'days', count: 10 });
  });
});
