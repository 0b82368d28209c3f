/**
 * Run one residual-block configuration to completion or to a diagnosed deadlock. Never hangs: the
 * watchdog stops a deadlocked block after `idleCycles` without progress, and a cycle bound stops anything
 * else (reported as an error, which would be a bug).
 */
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import { DeadlockError } from '../../sim/watchdog.ts';
import type { ConvCounters } from '../../hw/conv/conv-engine.ts';
import type { ScenarioConfig } from './config.ts';
import { explainDeadlock, type DeadlockDiagnosis } from './deadlock.ts';
import { buildResidualBlock, type BuildOptions, type ResidualBench } from './residual-block.ts';

export interface RunOptions extends BuildOptions {
  /** Stop (as "not completed") once this many cycles have passed; default a generous bound. */
  maxCycles?: number;
  /** Called after the block is built and before it runs: the place to attach extra observers. */
  setup?: (bench: ResidualBench) => void;
  /** Called every `progressEvery` cycles (default 16384) with the output beats delivered so far. */
  onProgress?: (delivered: number, expected: number, cycle: number) => void;
  progressEvery?: number;
}

/** Calls back every `every` cycles; a plain clocked process, so it works while the run blocks the thread. */
class ProgressTap extends Module {
  constructor(b: ResidualBench, every: number, fn: (delivered: number, expected: number, cycle: number) => void) {
    super(b.top, 'progress');
    let k = 0;
    this.onRising(b.clk, () => {
      if (++k % every === 0) fn(b.sink.count, b.expectedBeats, k);
    });
  }
}

export interface BlockRunResult {
  /** Every output beat of every frame reached the sink. */
  completed: boolean;
  /** Rising edges simulated: with `completed`, the edge at which the last output beat transferred. */
  cycles: number;
  outputBeats: number;
  expectedBeats: number;
  depth: number;
  /** Set when the watchdog stopped a deadlocked block. */
  deadlock: DeadlockDiagnosis | null;
  /** The run stopped at `maxCycles` without finishing (no deadlock). */
  timedOut: boolean;
  /** Data mode: the first output mismatch against the reference (null: bit-exact). */
  mismatch: string | null;
  fifo: { depth: number; highWater: number; pushes: number; fullStallCycles: number; emptyStallCycles: number };
  adder: { beats: number; waitingForMain: number; waitingForSkip: number; outputStallCycles: number; ops: number; bytes: number; arithmeticIntensity: number };
  fork: { beats: number; stallCycles: number; mainStallCycles: number; skipStallCycles: number };
  convs: Record<string, ConvCounters>;
  /** Protocol violations seen by the checkers (debug mode). */
  violations: string[];
  seconds: number;
}

/** A cycle bound no healthy run reaches: 20x the compute, input and output work plus the source's gaps. */
export function defaultMaxCycles(b: ResidualBench): number {
  const c = b.config;
  let work = 0;
  for (const conv of [...b.main, ...(b.proj ? [b.proj] : [])]) {
    const g = conv.geometry;
    work += g.cyclesPerPixel * g.hOut * g.wOut + g.inBeatsPerFrame;
  }
  work = work * c.frames + b.expectedBeats;
  let slow = 1;
  if (c.source.kind === 'fixed') slow = c.source.every / c.source.beats;
  if (c.source.kind === 'probability') slow = 1 / c.source.validProbability;
  slow /= c.backpressure.readyProbability;
  return Math.ceil(20 * work * slow) + 10_000;
}

/** Build and run; returns the counters, or the deadlock diagnosis when the watchdog stopped the block. */
export async function runResidualBlock(config: ScenarioConfig, options: RunOptions = {}): Promise<BlockRunResult> {
  const t0 = performance.now();
  const b = buildResidualBlock(config, options);
  options.setup?.(b);
  if (options.onProgress) new ProgressTap(b, options.progressEvery ?? 16_384, options.onProgress);
  const maxCycles = options.maxCycles ?? defaultMaxCycles(b);
  let deadlock: DeadlockDiagnosis | null = null;
  let timedOut = false;
  try {
    const why = await b.sim.run({ clock: b.clk, cycles: maxCycles, until: () => b.sink.count >= b.expectedBeats });
    timedOut = why !== 'until';
    await b.sim.close();
  } catch (e) {
    if (!(e instanceof DeadlockError)) throw e;
    deadlock = explainDeadlock(b, e);
  }
  return collect(b, { deadlock, timedOut, seconds: (performance.now() - t0) / 1000 });
}

function collect(b: ResidualBench, r: { deadlock: DeadlockDiagnosis | null; timedOut: boolean; seconds: number }): BlockRunResult {
  const cycles = b.sim.clockOf(b.clk).cycles;
  const completed = b.sink.count >= b.expectedBeats;
  let mismatch: string | null = null;
  if (b.scoreboard) {
    const m = completed ? b.scoreboard.finish() : b.scoreboard.mismatch;
    mismatch = m?.message ?? null;
  }
  const convs: Record<string, ConvCounters> = {};
  for (const conv of [...b.main, ...(b.proj ? [b.proj] : [])]) convs[conv.name] = conv.counters();
  const f = b.fork;
  return {
    completed,
    cycles,
    outputBeats: b.sink.count,
    expectedBeats: b.expectedBeats,
    depth: b.depth,
    deadlock: r.deadlock,
    timedOut: r.timedOut,
    mismatch,
    fifo: { depth: b.depth, highWater: b.fifo.highWater, pushes: b.fifo.pushes, fullStallCycles: b.fifo.fullStallCycles, emptyStallCycles: b.fifo.emptyStallCycles },
    adder: {
      beats: b.adder.beats,
      waitingForMain: b.adder.waitingForA,
      waitingForSkip: b.adder.waitingForB,
      outputStallCycles: b.adder.outputStallCycles,
      ops: b.adder.ops,
      bytes: b.adder.bytes,
      arithmeticIntensity: b.adder.arithmeticIntensity,
    },
    fork: { beats: f.beats, stallCycles: f.stallCycles, mainStallCycles: f.branchStallCycles[0]!, skipStallCycles: f.branchStallCycles[1]! },
    convs,
    violations: b.checkers.flatMap((c) => c.violations.map((v) => v.message)),
    seconds: r.seconds,
  };
}

/** Throw a CHECK_FAILED error unless a data-mode run completed bit-exact (for tests and the CLI). */
export function assertBitExact(r: BlockRunResult): void {
  if (r.deadlock) throw r.deadlock.error;
  if (!r.completed) throw new SimError({ code: ErrorCodes.CHECK_FAILED, message: `the block delivered ${r.outputBeats} of ${r.expectedBeats} output beats` });
  if (r.mismatch) throw new SimError({ code: ErrorCodes.CHECK_FAILED, message: r.mismatch });
}
