/**
 * One row of a sweep: a point sized by simulation (sizeSkipFifo: deadlock-free and full-throughput depths,
 * the unbounded high-water mark, the formula) or, for points too long to simulate, by the formula alone.
 */
import { blockLayout } from '../scenarios/block-layout.ts';
import { analyticDepth } from '../sizing/analytic.ts';
import { memoryCost, type MemoryCost } from '../sizing/memory-cost.ts';
import { sizeSkipFifo, type SizeOptions } from '../sizing/size-fifo.ts';
import type { SizingMethod, SweepPoint } from './grid.ts';

export interface SweepRow {
  block: string;
  W: number;
  H: number;
  C: number;
  folding: string;
  /** 'simulation' or 'analytic' (formula only: the three simulated columns are null). */
  method: SizingMethod;
  deadlockFreeDepth: number | null;
  fullThroughputDepth: number | null;
  maxOccupancyUnbounded: number | null;
  analyticDepth: number;
  /** The depth the memory columns cost: fullThroughputDepth when simulated, else analyticDepth. */
  sizedDepth: number;
  wordBits: number;
  totalBits: number;
  bytes: number;
  bram18: number;
  bram36: number;
  uram: number;
  /** The cheapest primitive, e.g. 'bram (8 BRAM18)'. */
  cheapest: string;
  /** A FIFO holding the whole tensor of one frame (hls4ml's default stream depth H*W), in bits. */
  tensorBits: number;
  /** Wall-clock time to size this point. */
  seconds: number;
  /** The closed form with this point's numbers (JSON output only; the CSV leaves it out). */
  formula: string;
  /** Simulated points: the formula equals the simulated deadlock-free depth. */
  analyticMatches: boolean | null;
}

function memoryColumns(m: MemoryCost): Pick<SweepRow, 'totalBits' | 'bytes' | 'bram18' | 'bram36' | 'uram' | 'cheapest'> {
  const c = m.cheapest;
  return { totalBits: m.bits, bytes: m.bytes, bram18: m.bram18, bram36: m.bram36, uram: m.uram, cheapest: `${c.primitive} (${c.count} ${c.unit})` };
}

export async function sizePoint(p: SweepPoint, options: SizeOptions = {}): Promise<SweepRow> {
  const t0 = performance.now();
  const c = p.config;
  const layout = blockLayout(c);
  const a = analyticDepth(layout);
  const base = {
    block: c.block,
    W: c.width,
    H: c.height,
    C: c.channels,
    folding: p.folding,
    method: p.method,
    analyticDepth: a.depth,
    wordBits: a.wordBits,
    tensorBits: layout.outHeight * layout.outWidth * layout.skipBeatsPerPixel * a.wordBits,
    formula: a.formula,
  };
  if (p.method === 'analytic') {
    return {
      ...base,
      deadlockFreeDepth: null,
      fullThroughputDepth: null,
      maxOccupancyUnbounded: null,
      sizedDepth: a.depth,
      ...memoryColumns(memoryCost(a.wordBits, a.depth)),
      seconds: (performance.now() - t0) / 1000,
      analyticMatches: null,
    };
  }
  const f = (await sizeSkipFifo(c, options)).fifos[0]!;
  return {
    ...base,
    deadlockFreeDepth: f.deadlockFreeDepth,
    fullThroughputDepth: f.fullThroughputDepth,
    maxOccupancyUnbounded: f.maxOccupancyUnbounded,
    sizedDepth: f.fullThroughputDepth,
    ...memoryColumns(f.memory),
    seconds: (performance.now() - t0) / 1000,
    analyticMatches: f.analyticMatches,
  };
}
