/**
 * Signed-in users kept by one process for a short while, so that most API
 * requests need no session lookup.
 *
 * A kept user must never outlive a sign-out or a change of the user anywhere:
 * triggers NOTIFY `mes_sessions` with the user id when a session is deleted
 * or a user changes (migration 0004), and the process's one listener passes
 * that on here as the change commits. The cache is used only while the
 * listener holds its connection (a notification missed while disconnected
 * cannot drop anything), is emptied when it connects again, and an entry also
 * ends with its session's expiry and after `ttlMs`. A lookup that was already
 * in flight when something was dropped does not put its (possibly older)
 * answer back.
 */
import type { SessionUser } from './auth.schema.js';

interface Kept {
  user: SessionUser;
  /** Epoch ms: the session's expiry or the end of keeping, whichever is first. */
  until: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Kept>();
  private live = false;
  /** Rises with every drop: a lookup started before it must not store its answer. */
  private dropped = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.live;
  }

  get count(): number {
    return this.entries.size;
  }

  /** The listener holds its connection (true) or lost it (false); either way, start empty. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  /** Take before a lookup; give to set() with its answer. */
  get ticket(): number {
    return this.dropped;
  }

  get(tokenHash: string, now = Date.now()): SessionUser | undefined {
    if (!this.enabled) return undefined;
    const kept = this.entries.get(tokenHash);
    if (!kept || kept.until <= now) {
      if (kept) this.entries.delete(tokenHash);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return kept.user;
  }

  set(tokenHash: string, user: SessionUser, expiresAt: Date, ticket: number, now = Date.now()): void {
    if (!this.enabled || ticket !== this.dropped) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(tokenHash, { user, until: Math.min(expiresAt.getTime(), now + this.ttlMs) });
  }

  /** Drops one session (signed out here). */
  drop(tokenHash: string): void {
    this.dropped++;
    this.entries.delete(tokenHash);
  }

  /** Drops every session of a user (NOTIFYed: a session deleted or the user changed). */
  dropUser(userId: string): void {
    this.dropped++;
    for (const [hash, kept] of this.entries) {
      if (String(kept.user.id) === userId) this.entries.delete(hash);
    }
  }

  clear(): void {
    this.dropped++;
    this.entries.clear();
  }
}
