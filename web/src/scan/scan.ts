/**
 * What a scan is, apart from how it was read (camera or keyboard wedge).
 *
 * The codes the app prints:
 *  - a step (traveler): the assignment id itself, e.g. `WA-2026-014` — what a
 *    wedge scanner types and what the operator could key in by hand;
 *  - a lot (label): the URL of its page, `<origin>/lots/<code>`, so that any
 *    phone camera opens the lot; the bare lot code is accepted as well.
 * A step may also come as `<origin>/portal?task=<id>`.
 */

export type Scan = { kind: 'step'; assignmentId: string } | { kind: 'lot'; lotCode: string };

const assignmentId = /^WA-[0-9]{4}-[0-9]{3,}$/;
const lotCode = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** The lot label's QR content. */
export const lotUrl = (origin: string, code: string) => `${origin}/lots/${encodeURIComponent(code)}`;

/** What a scanned text names, or null when it is nothing the app printed. */
export function parseScan(raw: string): Scan | null {
  const text = raw.trim();
  if (assignmentId.test(text)) return { kind: 'step', assignmentId: text };
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return null;
    }
    const lot = /^\/lots\/([^/]+)\/?$/.exec(url.pathname);
    if (lot) {
      const code = decodeURIComponent(lot[1]!);
      return lotCode.test(code) ? { kind: 'lot', lotCode: code } : null;
    }
    const task = url.searchParams.get('task');
    if (url.pathname.startsWith('/portal') && task && assignmentId.test(task)) return { kind: 'step', assignmentId: task };
    return null;
  }
  return lotCode.test(text) && text.length >= 3 ? { kind: 'lot', lotCode: text } : null;
}

export interface WedgeOptions {
  /** The longest pause between two keys of one scan; people type slower than this, scanners much faster. */
  maxGapMs?: number;
  /** The fewest characters a scan has. */
  minLength?: number;
}

/**
 * Tells a keyboard-wedge scanner from a person: a scanner "types" the code in
 * a burst and ends it with Enter. Feed every key with its time; `feed` returns
 * the scanned text when Enter closes a burst of at least `minLength`
 * characters each within `maxGapMs` of the previous one, else null.
 */
export function createWedgeDetector({ maxGapMs = 60, minLength = 4 }: WedgeOptions = {}) {
  let buffer = '';
  let lastAt = -Infinity;
  return {
    feed(key: string, at: number): string | null {
      const inBurst = at - lastAt <= maxGapMs;
      lastAt = at;
      if (key === 'Enter') {
        const text = inBurst && buffer.length >= minLength ? buffer : null;
        buffer = '';
        return text;
      }
      if (key.length !== 1) {
        // Shift and the like come with capitals: they neither add nor break a burst
        if (key === 'Shift') return null;
        buffer = '';
        return null;
      }
      buffer = inBurst ? buffer + key : key;
      return null;
    },
  };
}
