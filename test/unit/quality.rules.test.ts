/** The pure rules of inspection (issue #17, item 3): how values are judged and how much good quantity failed checks leave. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affectedQuantity, inTolerance, isProblem, itemStates, maxGoodQuantity, readValue, toleranceBand } from '../../src/modules/quality/quality.rules.js';

const measurement = { kind: 'measurement' as const, label: 'Width', nominal: 100, lowerTolerance: -0.5, upperTolerance: 0.5 };

describe('inspection rules', () => {
  it('judges a measurement against [nominal + lower, nominal + upper], limits included', () => {
    expect(toleranceBand(measurement)).toEqual({ min: 99.5, max: 100.5 });
    expect(inTolerance(measurement, 99.5)).toBe(true);
    expect(inTolerance(measurement, 100.5)).toBe(true);
    expect(inTolerance(measurement, 100.51)).toBe(false);
  });

  it('refuses every value of the wrong type for each kind, naming the field', () => {
    for (const value of ['12', true, null, {}, [], Number.NaN, Number.POSITIVE_INFINITY]) {
      const read = readValue(measurement, value, 'body/results/0/value');
      expect(isProblem(read) && read.field).toBe('body/results/0/value');
    }
    expect(isProblem(readValue({ ...measurement, kind: 'pass_fail' }, 1, 'f'))).toBe(true);
    expect(isProblem(readValue({ ...measurement, kind: 'text' }, '  ', 'f'))).toBe(true);
    expect(isProblem(readValue({ ...measurement, kind: 'photo' }, 'data:text/html;base64,PGI+', 'f'))).toBe(true);
    expect(readValue({ ...measurement, kind: 'photo' }, 'data:image/png;base64,iVBORw0KGgo=', 'f')).toMatchObject({ ok: true });
  });

  it('for any results: good may never include a failed part that is not accepted as is, and accepting more never lowers it', () => {
    const items = [
      { id: 1, label: 'a', samples: 3, requiredAt: 'completion' as const },
      { id: 2, label: 'b', samples: 1, requiredAt: 'start' as const },
    ];
    const result = fc.record({ itemId: fc.constantFrom(1, 2), sample: fc.integer({ min: 1, max: 3 }), ok: fc.boolean() });
    fc.assert(
      fc.property(fc.array(result, { maxLength: 10 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 5 }), (raw, quantity, accepted) => {
        // one current result per (item, sample), as the partial unique index keeps them
        const current = [...new Map(raw.filter((r) => r.sample <= (r.itemId === 1 ? 3 : 1)).map((r) => [`${r.itemId}/${r.sample}`, r])).values()];
        const states = itemStates(items, current);
        const affected = affectedQuantity(states);
        const failed = current.filter((r) => !r.ok);
        expect(affected).toBe(Math.max(0, ...[1, 2].map((id) => failed.filter((r) => r.itemId === id).length)));
        const max = maxGoodQuantity(quantity, affected, accepted);
        expect(max).toBeLessThanOrEqual(quantity);
        expect(max).toBeGreaterThanOrEqual(Math.max(0, quantity - affected));
        expect(maxGoodQuantity(quantity, affected, accepted + 1)).toBeGreaterThanOrEqual(max);
      }),
    );
  });
});
