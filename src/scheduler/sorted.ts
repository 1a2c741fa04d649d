/** Binary search over sorted interval ends, shared by the decoder, the calendars and the lower bound. */

/** First index k >= from with ends[k] > t (ends sorted ascending); ends.length when there is none. */
export function firstEndAfter(ends: ArrayLike<number>, t: number, from = 0): number {
  let lo = from;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
