import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../src/modules/auth/session-cache.js';
import { type KeptCatalog, PlanCatalogCache } from '../../src/modules/plans/catalog-cache.js';
import { PlanDetailCache } from '../../src/modules/plans/detail-cache.js';
import { PlanListCache } from '../../src/modules/plans/list-cache.js';

const user = (id: number) => ({ id, username: `u${id}`, displayName: `User ${id}`, role: 'planner' as const, workerId: null, locale: null });
const inAnHour = () => new Date(Date.now() + 3600_000);

describe('SessionCache', () => {
  it('keeps nothing until the listener is live, and forgets everything when it goes or comes back', () => {
    const cache = new SessionCache(60_000);
    cache.set('a', user(1), inAnHour(), cache.ticket);
    expect(cache.get('a')).toBeUndefined();
    cache.setLive(true);
    cache.set('a', user(1), inAnHour(), cache.ticket);
    expect(cache.get('a')).toEqual(user(1));
    cache.setLive(false);
    expect(cache.get('a')).toBeUndefined();
    cache.setLive(true);
    expect(cache.get('a')).toBeUndefined();
  });

  it('is off with a keeping time of 0', () => {
    const cache = new SessionCache(0);
    cache.setLive(true);
    cache.set('a', user(1), inAnHour(), cache.ticket);
    expect(cache.get('a')).toBeUndefined();
  });

  it('ends an entry with its session or its keeping time, whichever comes first', () => {
    const cache = new SessionCache(60_000);
    cache.setLive(true);
    const now = 1_000_000;
    cache.set('short', user(1), new Date(now + 5_000), cache.ticket, now);
    cache.set('long', user(2), new Date(now + 3600_000), cache.ticket, now);
    expect(cache.get('short', now + 4_999)).toBeDefined();
    expect(cache.get('short', now + 5_000)).toBeUndefined();
    expect(cache.get('long', now + 59_999)).toBeDefined();
    expect(cache.get('long', now + 60_000)).toBeUndefined();
  });

  it('drops every session of a user, and a lookup in flight during a drop does not store its answer', () => {
    const cache = new SessionCache(60_000);
    cache.setLive(true);
    cache.set('a1', user(1), inAnHour(), cache.ticket);
    cache.set('a2', user(1), inAnHour(), cache.ticket);
    cache.set('b', user(2), inAnHour(), cache.ticket);
    const ticket = cache.ticket; // a lookup of 'a3' starts
    cache.dropUser('1');
    cache.set('a3', user(1), inAnHour(), ticket); // its answer arrives after the drop
    expect([cache.get('a1'), cache.get('a2'), cache.get('a3')]).toEqual([undefined, undefined, undefined]);
    expect(cache.get('b')).toEqual(user(2));
    cache.drop('b');
    expect(cache.get('b')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const cache = new SessionCache(60_000, 2);
    cache.setLive(true);
    for (const k of ['a', 'b', 'c']) cache.set(k, user(1), inAnHour(), cache.ticket);
    expect(cache.count).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });
});

describe('PlanDetailCache', () => {
  const kept = (revision: string, size = 10) => ({ revision, etag: '"1"', body: 'x'.repeat(size) });

  it('serves an entry only for the revision it was read at', () => {
    const cache = new PlanDetailCache(1000);
    cache.set('P1', kept('5.1'));
    expect(cache.get('P1', '5.1')?.body).toBe('x'.repeat(10));
    expect(cache.get('P1', '6.1')).toBeUndefined();
    expect(cache.get('P2', '5.1')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('stays within its size, dropping the least recently used', () => {
    const cache = new PlanDetailCache(1000);
    cache.set('A', kept('1', 200));
    cache.set('B', kept('1', 200));
    cache.set('C', kept('1', 200));
    cache.get('A', '1');
    cache.set('D', kept('1', 200));
    cache.set('E', kept('1', 200));
    cache.set('F', kept('1', 200)); // 1,200 > 1,000: B goes (A was used after it)
    expect(cache.get('B', '1')).toBeUndefined();
    expect(cache.get('A', '1')).toBeDefined();
    expect(cache.count).toBe(5);
    cache.set('huge', kept('1', 600)); // over a quarter of the whole: not kept
    expect(cache.get('huge', '1')).toBeUndefined();
  });

  it('reads the current revision only when something is kept for the plan', async () => {
    const cache = new PlanDetailCache(1000);
    let reads = 0;
    const revision = (r: string) => async () => {
      reads++;
      return r;
    };
    expect(await cache.lookup('P1', revision('5.1'))).toBeUndefined();
    expect(reads).toBe(0);
    cache.set('P1', kept('5.1'));
    expect((await cache.lookup('P1', revision('5.1')))?.revision).toBe('5.1');
    expect(await cache.lookup('P1', revision('6.1'))).toBeUndefined();
    expect(reads).toBe(2);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('is off with a size of 0', () => {
    const cache = new PlanDetailCache(0);
    cache.set('A', kept('1'));
    expect(cache.get('A', '1')).toBeUndefined();
  });
});

describe('PlanCatalogCache', () => {
  const catalog = (stamp: string) => ({ stamp }) as unknown as KeptCatalog;

  it('reads the catalog once for everyone who asks while it loads, then keeps it', async () => {
    const cache = new PlanCatalogCache(true);
    let reads = 0;
    const load = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return catalog(`1.${reads}`);
    };
    const [a, b] = await Promise.all([cache.get(load), cache.get(load)]);
    expect(reads).toBe(1);
    expect(a).toBe(b);
    expect(await cache.get(load)).toBe(a);
    expect(reads).toBe(1);
    expect({ hits: cache.hits, misses: cache.misses, count: cache.count }).toEqual({ hits: 1, misses: 2, count: 1 });
  });

  it('drops only the copy that was found stale, not one read since', async () => {
    const cache = new PlanCatalogCache(true);
    const first = await cache.get(async () => catalog('1.1'));
    cache.drop(first);
    expect(cache.count).toBe(0);
    const second = await cache.get(async () => catalog('1.2'));
    cache.drop(first);
    expect(await cache.get(async () => catalog('1.3'))).toBe(second);
  });
});

describe('PlanListCache', () => {
  /** A checker that records what it was asked and answers from `changedSince` (the snapshots whose pages changed). */
  const checker = (changedSince: Set<string>, now = () => 1_000) => {
    const calls: string[][] = [];
    let n = 0;
    const check = async (snapshots: readonly string[]) => {
      calls.push([...snapshots]);
      n++;
      return { changed: snapshots.map((s) => changedSince.has(s)), snapshot: `after-${n}`, now: now() };
    };
    return { calls, check };
  };

  it('checks the snapshots of lookups that arrive together in one call, and moves each kept page to the check snapshot', async () => {
    const { calls, check } = checker(new Set());
    const cache = new PlanListCache(1_000_000, check);
    cache.set('a', { body: 'A', snapshot: 's1', validUntil: null });
    cache.set('b', { body: 'B', snapshot: 's2', validUntil: null });
    expect(await Promise.all([cache.lookup('a'), cache.lookup('b'), cache.lookup('a'), cache.lookup('none')])).toEqual(['A', 'B', 'A', undefined]);
    expect(calls).toEqual([['s1', 's2', 's1']]);
    expect([cache.hits, cache.misses]).toEqual([3, 1]);
    // the next check starts from the snapshot the last one proved the page exact at
    await cache.lookup('a');
    expect(calls[1]).toEqual(['after-1']);
  });

  it('drops a page whose snapshot missed a commit, and one the clock has passed', async () => {
    let clock = 1_000;
    const { check } = checker(new Set(['old']), () => clock);
    const cache = new PlanListCache(1_000_000, check);
    cache.set('stale', { body: 'S', snapshot: 'old', validUntil: null });
    cache.set('timed', { body: 'T', snapshot: 'fine', validUntil: 1_500 });
    expect(await cache.lookup('stale')).toBeUndefined();
    expect(cache.count).toBe(1);
    expect(await cache.lookup('timed')).toBe('T');
    clock = 1_500;
    expect(await cache.lookup('timed')).toBeUndefined();
    expect(cache.count).toBe(0);
  });

  it('is off with no memory, and keeps no body over a quarter of it', async () => {
    const { calls, check } = checker(new Set());
    const off = new PlanListCache(0, check);
    off.set('a', { body: 'A', snapshot: 's', validUntil: null });
    expect(await off.lookup('a')).toBeUndefined();
    expect([off.enabled, off.hits, off.misses, calls.length]).toEqual([false, 0, 0, 0]);
    const small = new PlanListCache(100, check);
    small.set('big', { body: 'x'.repeat(26), snapshot: 's', validUntil: null });
    small.set('fits', { body: 'x'.repeat(25), snapshot: 's', validUntil: null });
    expect([await small.lookup('big'), await small.lookup('fits')]).toEqual([undefined, 'x'.repeat(25)]);
  });

  it('shares one read among the requests that miss a page together, never one that began before a request arrived', async () => {
    const { check } = checker(new Set());
    const cache = new PlanListCache(1_000_000, check);
    // the database as a read sees it: the version current when the read starts
    let version = 1;
    const started: number[] = [];
    const read = async () => {
      const seen = version;
      started.push(seen);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `v${seen}`;
    };
    const together = [cache.readShared('a', read), cache.readShared('a', read), cache.readShared('b', read)];
    // a change committed before the read began is in it
    version = 2;
    await new Promise((resolve) => setImmediate(resolve));
    // this request arrives while the read of 'a' runs: the change below, committed before it asked, must be in its answer
    version = 3;
    const later = cache.readShared('a', read);
    expect(await Promise.all([...together, later])).toEqual(['v2', 'v2', 'v2', 'v3']);
    expect([started, cache.reads]).toEqual([[2, 2, 3], 3]);
    // a failed read fails the requests that shared it, and the next request reads again
    const failing = [cache.readShared('c', () => Promise.reject(new Error('gone'))), cache.readShared('c', read)];
    for (const r of await Promise.allSettled(failing)) expect(r).toMatchObject({ status: 'rejected', reason: { message: 'gone' } });
    expect(await cache.readShared('c', read)).toBe('v3');
  });
});
