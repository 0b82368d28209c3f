/**
 * The full-throughput depth: the smallest depth d whose run ends at T_inf, the unbounded run's cycle count,
 * once the deadlock-free depth dfd is known and T(dfd) > T_inf.
 *
 * T(d), the total cycles at depth d, never grows with d, and in practice it falls in straight stretches: while
 * one constraint binds, each extra FIFO word saves the same number of cycles (e.g. 52,479 cycles per word for
 * the ResNet-18 basic block at W = 56), and a later stretch falls less steeply. So a secant step from the last
 * two measured points lands at, or before, the depth where T reaches T_inf; probing c - 1 and c side by side
 * either confirms c (T(c-1) > T_inf = T(c)) or gives the next, local secant. Anything unexpected (a step that
 * overshoots, a flat stretch) falls back to the k-ary search, which only assumes that T never grows with d.
 * A rate-balanced pipeline (every stall of the source reaches the end) needs d_same itself; the speculative
 * probe at d_same - 1 shows that in one run.
 */
import { firstTrue } from './search.ts';

export interface FtdContext {
  /** Deadlock-free depth and its cycle count (> tInf). */
  dfd: number;
  tDfd: number;
  /** From this depth on the run is the unbounded one (so the answer is at most dSame). */
  dSame: number;
  tInf: number;
  lanes: number;
  /** Total cycles of the run at depth d (it completes: d > dfd). */
  cyclesAt(d: number): Promise<number>;
  /** Whether the run at depth d ends at tInf (may stop at tInf). */
  fullSpeed(d: number): Promise<boolean>;
  /** The speculative answer for dSame - 1, or null when not asked. */
  top: Promise<boolean> | null;
}

/** Secant steps allowed before the k-ary search takes over. */
const MAX_STEPS = 8;

export async function fullThroughputDepth(x: FtdContext): Promise<number> {
  let lo = x.dfd + 1;
  let hi = x.dSame;
  if (lo >= hi) return hi;
  if (x.top !== null && x.dSame - 1 >= lo) {
    if (!(await x.top)) return x.dSame;
    hi = x.dSame - 1;
  }
  let a = x.dfd;
  let ta = x.tDfd;
  let b = lo;
  let tb = await x.cyclesAt(b);
  if (tb <= x.tInf) return b;
  lo = b + 1;
  for (let step = 0; step < MAX_STEPS && lo <= hi; step++) {
    const slope = (ta - tb) / (b - a);
    if (!(slope > 0)) break;
    const c = Math.min(hi, Math.max(lo, b + Math.ceil((tb - x.tInf) / slope)));
    const [tc1, tc] = await Promise.all([c - 1 === b ? Promise.resolve(tb) : x.cyclesAt(c - 1), x.cyclesAt(c)]);
    if (tc <= x.tInf) {
      if (tc1 > x.tInf) return c;
      hi = c - 1; // overshot: the crossing is further down
      break;
    }
    lo = c + 1;
    a = c - 1;
    ta = tc1;
    b = c;
    tb = tc;
  }
  if (lo > hi) return hi + 1 <= x.dSame ? hi + 1 : x.dSame;
  return firstTrue(lo, hi, x.lanes, x.fullSpeed);
}
