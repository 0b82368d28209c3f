/**
 * Parallel k-ary search for the first depth at which a monotone predicate holds (deadlock-free, full
 * throughput). With L lanes each round evaluates L depths that split the open interval into L+1 parts, so
 * the interval shrinks (L+1)-fold per round instead of 2-fold.
 */

/**
 * The smallest d in [lo, hi] with `pred(d)`, given that `pred(hi)` holds and `pred` is monotone
 * (false ... false true ... true). `lanes` depths are evaluated at once per round.
 */
export async function firstTrue(lo: number, hi: number, lanes: number, pred: (d: number) => Promise<boolean>): Promise<number> {
  if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi)) throw new RangeError(`firstTrue: need integers lo <= hi, got ${lo}, ${hi}`);
  const k0 = Math.max(1, Math.floor(lanes));
  while (lo < hi) {
    const span = hi - lo; // candidates lo .. hi-1 are open
    const k = Math.min(k0, span);
    const pts: number[] = [];
    for (let i = 1; i <= k; i++) {
      const p = lo + Math.floor((i * span) / (k + 1));
      if (pts.length === 0 || p > pts[pts.length - 1]!) pts.push(p);
    }
    const ok = await Promise.all(pts.map((p) => pred(p)));
    const first = ok.indexOf(true);
    if (first === -1) {
      lo = pts[pts.length - 1]! + 1;
    } else {
      hi = pts[first]!;
      if (first > 0) lo = pts[first - 1]! + 1;
    }
  }
  return lo;
}
