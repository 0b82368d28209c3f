// Searching planners: a seeded hill climb over placement orders, and an exact branch-and-bound for
// small instances. Both only ever return a plan at least as good as the one they start from.
import seedrandom from 'seedrandom';
import {
  type Fit,
  type MemoryPlan,
  type PlannerBuffer,
  lowerBound,
  overlapsInTime,
  peakOf,
  placeInOrder,
  toPlan,
  validateBuffers,
} from './planner-core.ts';

export interface HillClimbOptions {
  readonly seed?: string;
  readonly iterations?: number;
  readonly fit?: Fit;
}

/**
 * Like TVM USMP's hill_climb: perturb the placement order, keep the move if the arena does not grow.
 * Moves: pull a buffer that reaches the peak earlier in the order, or swap two random positions.
 * Sideways moves are accepted so the search can cross plateaus; the best order seen is returned.
 */
export function planHillClimb(
  buffers: readonly PlannerBuffer[],
  startOrder: readonly number[],
  opts: HillClimbOptions = {},
): MemoryPlan & { order: number[] } {
  validateBuffers(buffers);
  const fit = opts.fit ?? 'first';
  const rng = seedrandom(opts.seed ?? 'skipsim-planner');
  const iterations = opts.iterations ?? 300;
  let order = [...startOrder];
  let offsets = placeInOrder(buffers, order, fit);
  let peak = peakOf(buffers, offsets);
  let best = { order: [...order], offsets, peak };
  const floor = lowerBound(buffers);
  const n = buffers.length;
  for (let it = 0; it < iterations && best.peak > floor && n > 1; it++) {
    const cand = [...order];
    const atPeak = cand.filter((i) => offsets[i]! + buffers[i]!.size === peak);
    if (rng() < 0.5 && atPeak.length > 0) {
      // the buffer on top is what sets the peak: try placing it earlier
      const victim = atPeak[Math.floor(rng() * atPeak.length)]!;
      const from = cand.indexOf(victim);
      const to = Math.floor(rng() * (from + 1));
      cand.splice(from, 1);
      cand.splice(to, 0, victim);
    } else {
      const a = Math.floor(rng() * n);
      const b = Math.floor(rng() * n);
      [cand[a], cand[b]] = [cand[b]!, cand[a]!];
    }
    const candOffsets = placeInOrder(buffers, cand, fit);
    const candPeak = peakOf(buffers, candOffsets);
    if (candPeak <= peak) {
      order = cand;
      offsets = candOffsets;
      peak = candPeak;
      if (peak < best.peak) best = { order: [...order], offsets, peak };
    }
  }
  return { ...toPlan(`hill-climb/${fit}-fit`, buffers, best.offsets), order: best.order };
}

export interface ExactOptions {
  /** Search nodes before giving up; the best plan found so far is returned with optimal = false. */
  readonly maxNodes?: number;
  /** A known plan to beat (prunes from the start). */
  readonly incumbent?: MemoryPlan;
}

/**
 * Branch and bound. Why it is complete: push every buffer of an optimal plan down until it rests on
 * offset 0 or on the top of a buffer it overlaps in time (this never raises the peak). Listed by
 * (offset, index), each buffer then sits at 0 or at the end of an earlier-listed conflicting buffer.
 * So it suffices to build plans in nondecreasing-offset order, trying only those candidate offsets.
 * Bound: every unplaced buffer goes at or above the last offset L, so at each op t the arena needs
 * L + (unplaced bytes live at t) + (bytes of placed buffers live at t that stick out above L).
 */
export function planExact(
  buffers: readonly PlannerBuffer[],
  opts: ExactOptions = {},
): MemoryPlan & { optimal: boolean; nodes: number } {
  validateBuffers(buffers);
  const n = buffers.length;
  const maxNodes = opts.maxNodes ?? 500_000;
  const size = buffers.map((b) => b.size);
  const conflict = buffers.map((a) => buffers.map((b) => overlapsInTime(a, b)));
  const times = [...new Set(buffers.map((b) => b.firstUse))]; // live bytes peak at some firstUse
  const liveAt = times.map((t) => buffers.map((b) => b.firstUse <= t && t <= b.lastUse));
  const floor = lowerBound(buffers);

  let bestOffsets: number[];
  if (opts.incumbent) {
    bestOffsets = buffers.map((b) => {
      const o = opts.incumbent!.offsets[b.name];
      if (o === undefined) throw new Error(`incumbent: no offset for buffer '${b.name}'`);
      return o;
    });
  } else {
    bestOffsets = placeInOrder(buffers, buffers.map((_, i) => i), 'first');
  }
  let bestPeak = peakOf(buffers, bestOffsets);
  const offsets = new Array<number>(n).fill(-1);
  let nodes = 0;
  let aborted = false;

  const bound = (L: number): number => {
    let need = 0;
    for (let k = 0; k < times.length; k++) {
      let sum = L;
      const live = liveAt[k]!;
      for (let j = 0; j < n; j++) {
        if (!live[j]) continue;
        sum += offsets[j]! < 0 ? size[j]! : Math.max(0, offsets[j]! + size[j]! - L);
      }
      need = Math.max(need, sum);
    }
    return need;
  };

  const fits = (i: number, at: number): boolean => {
    for (let j = 0; j < n; j++) {
      if (offsets[j]! < 0 || !conflict[i]![j] || j === i) continue;
      if (at < offsets[j]! + size[j]! && offsets[j]! < at + size[i]!) return false;
    }
    return true;
  };

  const search = (L: number, lastIdx: number, placedCount: number, peak: number): void => {
    if (aborted || bestPeak === floor) return;
    if (++nodes > maxNodes) {
      aborted = true;
      return;
    }
    if (placedCount === n) {
      if (peak < bestPeak) {
        bestPeak = peak;
        bestOffsets = [...offsets];
      }
      return;
    }
    if (Math.max(peak, bound(L)) >= bestPeak) return;
    for (let i = 0; i < n; i++) {
      if (offsets[i]! >= 0) continue;
      const cands = new Set<number>([0]);
      for (let j = 0; j < n; j++) if (offsets[j]! >= 0 && conflict[i]![j]) cands.add(offsets[j]! + size[j]!);
      for (const c of [...cands].sort((a, b) => a - b)) {
        if (c < L || (c === L && i < lastIdx)) continue; // canonical (offset, index) order
        if (Math.max(peak, c + size[i]!) >= bestPeak || !fits(i, c)) continue;
        offsets[i] = c;
        search(c, i, placedCount + 1, Math.max(peak, c + size[i]!));
        offsets[i] = -1;
        if (aborted) return;
      }
    }
  };

  if (n > 0) search(0, -1, 0, 0);
  const optimal = !aborted;
  return { ...toPlan('exact', buffers, bestOffsets), optimal, nodes };
}
