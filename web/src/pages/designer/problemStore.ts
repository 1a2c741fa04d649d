/**
 * Validation results for the canvas, outside React state: each node
 * subscribes to its own messages, so a keystroke that changes one node's
 * problems re-renders that node only, not all hundred.
 */
import { useSyncExternalStore } from 'react';

const none: readonly string[] = [];

export class ProblemStore {
  private byNode = new Map<string, readonly string[]>();
  private listeners = new Set<() => void>();

  set(next: Map<string, string[]>) {
    let changed = false;
    const merged = new Map<string, readonly string[]>();
    for (const [id, list] of next) {
      const old = this.byNode.get(id);
      if (old && old.length === list.length && old.every((m, i) => m === list[i])) merged.set(id, old);
      else {
        merged.set(id, list);
        changed = true;
      }
    }
    if (merged.size !== this.byNode.size) changed = true;
    this.byNode = merged;
    if (changed) for (const l of this.listeners) l();
  }

  get(id: string): readonly string[] {
    return this.byNode.get(id) ?? none;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useNodeProblems(store: ProblemStore, id: string): readonly string[] {
  return useSyncExternalStore(store.subscribe, () => store.get(id));
}
