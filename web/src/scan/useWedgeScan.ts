/**
 * A keyboard-wedge scanner anywhere on the page: keys typed in a burst and
 * ended by Enter (createWedgeDetector) are one scan. The closing Enter of a
 * scan is swallowed, so that it neither submits a form nor presses the
 * focused button.
 */
import { useEffect, useRef } from 'react';
import { createWedgeDetector } from './scan';

export function useWedgeScan(onScan: (text: string) => void, enabled = true) {
  const handler = useRef(onScan);
  handler.current = onScan;
  useEffect(() => {
    if (!enabled) return;
    const detector = createWedgeDetector();
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const text = detector.feed(e.key, e.timeStamp);
      if (text !== null) {
        e.preventDefault();
        e.stopPropagation();
        handler.current(text);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled]);
}
