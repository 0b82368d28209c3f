/**
 * Sizing a residual block's skip FIFO (timing-mode simulations, see probe.ts):
 *
 * 1. In parallel: the unbounded run (depth Infinity), and the analytic candidate d_a (analytic.ts) and
 *    d_a - 1. The unbounded run gives the reference cycle count T_inf, the high-water mark maxOcc (the
 *    FINN/hls4ml number) and d_same: one more than the largest occupancy the FIFO had at an edge where it
 *    took a beat. The FIFO is registered (a full FIFO refuses a push even at an edge where it pops), so a
 *    depth behaves exactly like the unbounded FIFO from d_same on, and d_same <= maxOcc + 1 (not maxOcc:
 *    depth maxOcc refuses a push at an edge that starts at maxOcc and pops, as hls4ml's "max + 1" allows for).
 * 2. deadlockFreeDepth: d_a if d_a completes and d_a - 1 deadlocks (the usual case: the formula is exact);
 *    otherwise a parallel search over the depths between. A deadlocking run stops after the watchdog's
 *    short idle limit, so the failing side of every search is cheap.
 * 3. fullThroughputDepth: the smallest depth in [deadlockFreeDepth, d_same] whose run ends at T_inf
 *    (total cycles never grow with the depth): a probe at d_same - 1 started in step 1 (rate-balanced
 *    pipelines need d_same itself), then secant steps on the measured cycle counts (ftd-search.ts), with a
 *    k-ary search as the fallback; search probes stop at T_inf (a run not finished by then is slower).
 * Depths are in beats of the skip stream (one beat = one FIFO word of skipLanes x bits).
 */
import { availableParallelism } from 'node:os';
import { memoryCost, type MemoryCost } from './memory-cost.ts';
import { analyticDepth, type ExtraStorage } from './analytic.ts';
import { createProbePool } from './pool.ts';
import type { ProbeResult } from './probe.ts';
import { fullThroughputDepth } from './ftd-search.ts';
import { firstTrue } from './search.ts';
import { blockLayout } from '../scenarios/block-layout.ts';
import { configToJson, type ScenarioConfig } from '../scenarios/config.ts';

export interface FifoSizing {
  name: string;
  path: string;
  deadlockFreeDepth: number;
  fullThroughputDepth: number;
  maxOccupancyUnbounded: number;
  analyticDepth: number;
  formula: string;
  explanation: string;
  /** The analytic depth equals the simulated deadlock-free depth. */
  analyticMatches: boolean;
  skipPathExtraSlots: number;
  skipPathExtra: ExtraStorage[];
  /** From this depth on the FIFO behaves exactly as if unbounded (<= maxOccupancyUnbounded + 1). */
  sameAsUnboundedFromDepth: number;
  /** Bits of one FIFO word (skip lanes x activation bits). */
  wordBits: number;
  /** wordBits x fullThroughputDepth. */
  totalBits: number;
  /** Memory cost of wordBits x fullThroughputDepth. */
  memory: MemoryCost;
  /** Memory cost at the deadlock-free depth (the smallest FIFO that works, with some slowdown). */
  memoryAtDeadlockFreeDepth: MemoryCost;
  cycles: { unbounded: number; atDeadlockFreeDepth: number; atFullThroughputDepth: number };
}

export interface ProbeSummary {
  depth: number | 'unbounded';
  completed: boolean;
  deadlocked: boolean;
  cycles: number;
  seconds: number;
}

export interface SizingReport {
  config: Record<string, unknown>;
  fifos: FifoSizing[];
  /** Every simulation run, in the order they finished. */
  simulations: ProbeSummary[];
  /** Simulations run at once (this thread + workers). */
  lanes: number;
  seconds: number;
}

export interface SizeOptions {
  /** Worker threads running the simulations (0: run them on this thread); default 2 for large blocks, else 0. */
  workers?: number;
  /** Called after every simulation (for progress bars). */
  onProbe?: (p: { finished: number; phase: string; last: ProbeResult }) => void;
}

/** Simulated cycles per run above which workers pay for their start-up (~0.5 s each, in parallel). */
const WORKER_THRESHOLD_CYCLES = 400_000;

/** A rough cycle count of one run: the slowest conv's compute for all frames, or the stream length. */
export function estimateCycles(c: ScenarioConfig): number {
  const l = blockLayout(c);
  let slowest = l.inBeatsPerFrame;
  for (const s of [...l.main, ...(l.proj ? [l.proj] : [])]) slowest = Math.max(slowest, s.geometry.cyclesPerPixel * s.geometry.hOut * s.geometry.wOut);
  return slowest * c.frames;
}

export async function sizeSkipFifo(config: ScenarioConfig, options: SizeOptions = {}): Promise<SizingReport> {
  const t0 = performance.now();
  const layout = blockLayout(config);
  const a = analyticDepth(layout);
  const workers = options.workers ?? (estimateCycles(config) > WORKER_THRESHOLD_CYCLES ? Math.min(2, availableParallelism()) : 0);
  const simulations: ProbeSummary[] = [];
  let phase = 'unbounded run and analytic candidate';
  let finished = 0;
  const pool = createProbePool({
    workers,
    onFinished: (r) => {
      finished++;
      simulations.push({ depth: r.depth === Infinity ? 'unbounded' : r.depth, completed: r.completed, deadlocked: r.deadlocked, cycles: r.cycles, seconds: r.seconds });
      options.onProbe?.({ finished, phase, last: r });
    },
  });
  try {
    const cache = new Map<number, Promise<ProbeResult>>();
    const probe = (depth: number, maxCycles?: number): Promise<ProbeResult> => {
      const key = maxCycles === undefined ? depth : -depth; // capped runs are cached apart
      let p = cache.get(key);
      if (!p) {
        p = pool.run({ config, depth, maxCycles });
        cache.set(key, p);
      }
      return p;
    };

    const da = a.depth;
    // Round 1: the unbounded run, the analytic candidate and the depth below it, side by side.
    const unboundedP = probe(Infinity);
    const atA = probe(da);
    const belowA = da > 1 ? probe(da - 1) : null;
    const unb = await unboundedP;
    if (!unb.completed) {
      throw new Error(`size-fifo: the block does not finish even with an unbounded skip FIFO (${unb.deadlocked ? 'deadlock' : 'cycle limit'} after ${unb.cycles} cycles); check the folding`);
    }
    const tInf = unb.cycles;
    const dSame = Math.max(1, unb.identicalFromDepth);
    // A depth >= dSame runs exactly like the unbounded FIFO: no need to simulate it.
    const completes = async (d: number): Promise<boolean> => (d >= dSame ? true : (await probe(d)).completed);
    // Speculative, while the analytic candidate still runs: in a rate-balanced pipeline every stall of the
    // source reaches the end, and the full-throughput depth is dSame itself; one probe at dSame - 1 shows it.
    const topP = dSame - 1 > da ? probe(dSame - 1, tInf).then((r) => r.completed && r.cycles === tInf) : null;

    phase = 'deadlock-free depth';
    const rA = await atA;
    const rBelow = belowA ? await belowA : null;
    let dfd: number;
    if (rA.completed && (rBelow === null || !rBelow.completed)) dfd = da;
    else if (!rA.completed) dfd = await firstTrue(da + 1, Math.max(da + 1, dSame), pool.lanes, completes);
    else dfd = await firstTrue(1, da - 1, pool.lanes, completes);

    phase = 'full-throughput depth';
    const atDfd = dfd >= dSame ? unb : await probe(dfd);
    const ftd =
      atDfd.cycles === tInf
        ? dfd
        : await fullThroughputDepth({
            dfd,
            tDfd: atDfd.cycles,
            dSame,
            tInf,
            lanes: pool.lanes,
            // Full runs: the secant steps need their cycle counts (a run that failed counts as endless).
            cyclesAt: async (d) => {
              if (d >= dSame) return tInf;
              const r = await probe(d);
              return r.completed ? r.cycles : Infinity;
            },
            fullSpeed: async (d) => {
              if (d >= dSame) return true;
              const known = cache.get(d);
              const r = known ? await known : await probe(d, tInf);
              return r.completed && r.cycles === tInf;
            },
            top: topP,
          });

    const fifo: FifoSizing = {
      name: 'skip_fifo',
      path: 'top.block.skip_fifo',
      deadlockFreeDepth: dfd,
      fullThroughputDepth: ftd,
      maxOccupancyUnbounded: unb.highWater,
      analyticDepth: da,
      formula: a.formula,
      explanation: a.explanation,
      analyticMatches: da === dfd,
      skipPathExtraSlots: a.skipPathExtraSlots,
      skipPathExtra: a.skipPathExtra,
      sameAsUnboundedFromDepth: dSame,
      wordBits: a.wordBits,
      totalBits: a.wordBits * ftd,
      memory: memoryCost(a.wordBits, ftd),
      memoryAtDeadlockFreeDepth: memoryCost(a.wordBits, dfd),
      cycles: { unbounded: tInf, atDeadlockFreeDepth: atDfd.cycles, atFullThroughputDepth: tInf },
    };
    return { config: configToJson(config), fifos: [fifo], simulations, lanes: pool.lanes, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await pool.close();
  }
}
