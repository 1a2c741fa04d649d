import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWedgeDetector, lotUrl, parseScan } from '../../web/src/scan/scan.js';

/** Feeds `text` then Enter, one key every `gap` ms from `start`; returns what the detector reported. */
function typeIt(detector: ReturnType<typeof createWedgeDetector>, text: string, gap: number, start = 1000): (string | null)[] {
  return [...text, 'Enter'].map((key, i) => detector.feed(key, start + i * gap));
}

describe('the keyboard-wedge scan detector', () => {
  it('reports a burst ended by Enter as one scan', () => {
    const d = createWedgeDetector({ maxGapMs: 60 });
    expect(typeIt(d, 'WA-2026-014', 8).at(-1)).toBe('WA-2026-014');
  });

  it('ignores a person typing at a human pace, and short bursts', () => {
    const d = createWedgeDetector({ maxGapMs: 60, minLength: 4 });
    expect(typeIt(d, 'WA-2026-014', 150).every((r) => r === null)).toBe(true);
    expect(typeIt(d, 'ab', 5, 10_000).at(-1)).toBeNull();
  });

  it('starts again after a pause: only the burst before Enter counts', () => {
    const d = createWedgeDetector({ maxGapMs: 60 });
    d.feed('x', 0);
    d.feed('y', 10);
    expect(typeIt(d, 'LOT-00042', 5, 5000).at(-1)).toBe('LOT-00042');
  });

  it('keeps Shift (capitals) inside a burst and drops the burst on other special keys', () => {
    const d = createWedgeDetector({ maxGapMs: 60 });
    const keys = ['Shift', 'W', 'Shift', 'A', '-', '1', '2', '3', 'Enter'];
    expect(keys.map((k, i) => d.feed(k, i * 5)).at(-1)).toBe('WA-123');
    const e = createWedgeDetector({ maxGapMs: 60 });
    expect(['A', 'B', 'Backspace', 'C', 'D', 'Enter'].map((k, i) => e.feed(k, i * 5)).at(-1)).toBeNull();
  });

  it('reports exactly the scanned text for any code fed fast, whatever came before at a human pace', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 10 }), fc.stringMatching(/^[A-Z0-9-]{4,30}$/), (typed, code) => {
        const d = createWedgeDetector({ maxGapMs: 60 });
        [...typed].forEach((k, i) => d.feed(k, i * 200));
        return typeIt(d, code, 10, typed.length * 200 + 1000).at(-1) === code;
      }),
    );
  });
});

describe('what a scan names', () => {
  it('reads a step from its assignment id or a portal URL, a lot from its label URL or its bare code', () => {
    expect(parseScan('WA-2026-014')).toEqual({ kind: 'step', assignmentId: 'WA-2026-014' });
    expect(parseScan(' WA-2026-014\n')).toEqual({ kind: 'step', assignmentId: 'WA-2026-014' });
    expect(parseScan('http://mes.local:3000/portal?task=WA-2026-001')).toEqual({ kind: 'step', assignmentId: 'WA-2026-001' });
    expect(parseScan(lotUrl('https://mes.example.com', 'LOT-2026-00042'))).toEqual({ kind: 'lot', lotCode: 'LOT-2026-00042' });
    expect(parseScan('LOT-2026-00042')).toEqual({ kind: 'lot', lotCode: 'LOT-2026-00042' });
    expect(parseScan('https://elsewhere.example.com/something')).toBeNull();
    expect(parseScan('not a code!')).toBeNull();
  });
});
