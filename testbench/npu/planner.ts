// Activation-buffer memory planners. Given tensor lifetimes (op indices, inclusive) they assign arena
// offsets so that tensors alive at the same time never share bytes, and report the arena size.
//  - planGreedyBySize: TensorFlow Lite Micro's GreedyMemoryPlanner (size-descending, first gap).
//  - planBest: many orderings x {first, best}-fit, a hill climb, and an exact search when small;
//    keeps the smallest arena, so it is never worse than greedy-by-size.
import {
  type Fit,
  type MemoryPlan,
  type PlannerBuffer,
  liveBytesOverTime,
  lowerBound,
  overlapsInTime,
  placeInOrder,
  toPlan,
  validateBuffers,
} from './planner-core.ts';
import { planExact, planHillClimb } from './planner-search.ts';

export {
  type Fit,
  type MemoryPlan,
  type PlannerBuffer,
  alignBuffers,
  findConflicts,
  liveBytesOverTime,
  lowerBound,
  overlapsInTime,
  placeInOrder,
} from './planner-core.ts';
export { planExact, planHillClimb } from './planner-search.ts';

export type OrderingName = 'size' | 'conflicts' | 'breadth' | 'area' | 'duration' | 'firstUse';

type Key = (i: number) => number;

/** Indices sorted by the keys in turn, descending; ties keep input order (a stable sort, as TFLM's). */
function sortDesc(n: number, ...keys: Key[]): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return idx.sort((a, b) => {
    for (const k of keys) {
      const d = k(b) - k(a);
      if (d !== 0) return d;
    }
    return a - b;
  });
}

/**
 * Placement orders, each a known heuristic:
 *  size      - TFLM / TVM greedy_by_size / Pisarchyk & Lee: big buffers first, small fill the gaps.
 *  conflicts - TVM greedy_by_conflicts: buffers alive alongside many others first.
 *  breadth   - the live bytes at the busiest op of the buffer's lifetime: place what forms the peak first.
 *  area      - size x lifetime (XLA's "spatial x temporal" flavour).
 *  duration  - longest-lived first (XLA temporal order): e.g. a skip tensor before the conv outputs.
 *  firstUse  - execution order, as an online allocator (ONNX Runtime) would see them.
 */
export function ordering(buffers: readonly PlannerBuffer[], name: OrderingName): number[] {
  const n = buffers.length;
  const size: Key = (i) => buffers[i]!.size;
  const duration: Key = (i) => buffers[i]!.lastUse - buffers[i]!.firstUse + 1;
  switch (name) {
    case 'size':
      return sortDesc(n, size);
    case 'conflicts': {
      const count = buffers.map((a) => buffers.filter((b) => b !== a && overlapsInTime(a, b)).length);
      return sortDesc(n, (i) => count[i]!, size);
    }
    case 'breadth': {
      const { start, live } = liveBytesOverTime(buffers);
      const breadth = buffers.map((b) => Math.max(...live.slice(b.firstUse - start, b.lastUse - start + 1)));
      return sortDesc(n, (i) => breadth[i]!, size);
    }
    case 'area':
      return sortDesc(n, (i) => size(i) * duration(i), size);
    case 'duration':
      return sortDesc(n, duration, size);
    case 'firstUse':
      return sortDesc(n, (i) => -buffers[i]!.firstUse, size);
  }
}

export const ORDERINGS: readonly OrderingName[] = ['size', 'conflicts', 'breadth', 'area', 'duration', 'firstUse'];

/** Places buffers in a named order with first- or best-fit. */
export function planOrdered(buffers: readonly PlannerBuffer[], name: OrderingName, fit: Fit): MemoryPlan {
  validateBuffers(buffers);
  const order = ordering(buffers, name);
  return toPlan(`${name}/${fit}-fit`, buffers, placeInOrder(buffers, order, fit));
}

/**
 * TensorFlow Lite Micro GreedyMemoryPlanner (online buffers only): sort by size descending (stable),
 * put each at the lowest offset whose gap between time-overlapping placed buffers fits, else on top.
 */
export function planGreedyBySize(buffers: readonly PlannerBuffer[]): MemoryPlan {
  return { ...planOrdered(buffers, 'size', 'first'), strategy: 'greedy-by-size' };
}

export interface PlanBestOptions {
  /** Run the exact search when there are at most this many buffers (default 12). */
  readonly exactMaxBuffers?: number;
  readonly exactMaxNodes?: number;
  readonly hillClimbIterations?: number;
  readonly seed?: string;
}

export interface PlanComparison {
  readonly best: MemoryPlan;
  readonly greedyBySize: MemoryPlan;
  /** Every plan tried, greedy-by-size first; `best` is the first one with the smallest peak. */
  readonly candidates: readonly MemoryPlan[];
  readonly lowerBound: number;
  /** True when best.peak is proven minimal (it meets the lower bound, or the exact search finished). */
  readonly provenOptimal: boolean;
}

export function planBest(buffers: readonly PlannerBuffer[], opts: PlanBestOptions = {}): PlanComparison {
  validateBuffers(buffers);
  const floor = lowerBound(buffers);
  const greedy = planGreedyBySize(buffers);
  const candidates: MemoryPlan[] = [greedy];
  for (const name of ORDERINGS) {
    for (const fit of ['first', 'best'] as const) {
      if (name === 'size' && fit === 'first') continue; // that is greedy-by-size
      candidates.push(planOrdered(buffers, name, fit));
    }
  }
  const pick = () => candidates.reduce((a, b) => (b.peak < a.peak ? b : a));
  let exactDone = false;
  if (pick().peak > floor) {
    const start = ordering(buffers, 'size');
    candidates.push(
      planHillClimb(buffers, start, {
        seed: opts.seed,
        iterations: opts.hillClimbIterations,
      }),
    );
  }
  if (pick().peak > floor && buffers.length <= (opts.exactMaxBuffers ?? 12)) {
    const exact = planExact(buffers, { incumbent: pick(), maxNodes: opts.exactMaxNodes });
    candidates.push(exact);
    exactDone = exact.optimal;
  }
  return {
    best: pick(),
    greedyBySize: greedy,
    candidates,
    lowerBound: floor,
    provenOptimal: pick().peak === floor || exactDone,
  };
}
