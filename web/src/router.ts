/**
 * Routing is wouter's (<Router hook={useGuardedLocation}>, Switch, Route,
 * Link); this module is the location it reads. A page with unsaved work
 * registers a navigation guard: leaving by a link, navigate() or the
 * browser's back/forward then asks first.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { BaseLocationHook } from 'wouter';

export { Link } from 'wouter';

// the path the app shows: it changes only when a navigation is accepted, so a
// refused back/forward never renders the other page for a moment
let currentPath = window.location.pathname;
const listeners = new Set<() => void>();
const notify = () => {
  currentPath = window.location.pathname;
  for (const l of listeners) l();
};
const subscribe = (onChange: () => void) => {
  listeners.add(onChange);
  return () => void listeners.delete(onChange);
};

// every history entry the app makes carries its index, so that a refused
// back/forward knows how far to go to return
const indexOf = (state: unknown): number | undefined => {
  const idx = (state as { idx?: unknown } | null)?.idx;
  return typeof idx === 'number' ? idx : undefined;
};
let currentIndex = indexOf(window.history.state) ?? 0;
if (indexOf(window.history.state) === undefined) window.history.replaceState({ ...(window.history.state as object | null), idx: currentIndex }, '');
/** Set while history.go() takes back a refused back/forward: that popstate is ours. */
let reverting = false;

const guards = new Set<{ message: string }>();

/** True when no page holds unsaved work, or the user agrees to leave it. */
export function confirmLeave(): boolean {
  const guard = guards.values().next().value;
  return !guard || window.confirm(guard.message);
}

window.addEventListener('popstate', (e) => {
  if (reverting) {
    reverting = false;
    return;
  }
  const idx = indexOf(e.state);
  if (guards.size > 0 && idx !== undefined && idx !== currentIndex && !confirmLeave()) {
    reverting = true;
    window.history.go(currentIndex - idx);
    return;
  }
  if (idx !== undefined) currentIndex = idx;
  notify();
});

/**
 * Goes to `to` unless a guard refuses. `force` skips the guards: for moves
 * that keep the work (a saved new plan gets its own URL). wouter's Link calls
 * this too (through useGuardedLocation).
 */
export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): boolean {
  if (to === window.location.pathname + window.location.search) return true;
  if (!options.force && !confirmLeave()) return false;
  if (options.replace) window.history.replaceState({ idx: currentIndex }, '', to);
  else window.history.pushState({ idx: ++currentIndex }, '', to);
  notify();
  return true;
}

/** wouter's location hook: the accepted path, and the guarded navigate. */
export const useGuardedLocation: BaseLocationHook = () => [useSyncExternalStore(subscribe, () => currentPath), navigate];

/** While `message` is set, leaving the page (links, navigate, back/forward) asks with it first. */
export function useNavigationGuard(message: string | null) {
  useEffect(() => {
    if (!message) return;
    const guard = { message };
    guards.add(guard);
    return () => void guards.delete(guard);
  }, [message]);
}
