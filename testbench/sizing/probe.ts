/**
 * One sizing simulation ("probe"): the block in timing mode without debug tags or checkers (the fastest
 * configuration, with the same cycles as data mode), at one skip-FIFO depth. A deadlocking probe stops
 * early through the watchdog; a probe given `maxCycles` stops there (reported as not completed).
 */
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import type { ScenarioConfig } from '../scenarios/config.ts';
import { runResidualBlock } from '../scenarios/run-block.ts';

export interface ProbeRequest {
  config: ScenarioConfig;
  /** Skip FIFO depth (Infinity: unbounded). */
  depth: number;
  /** Stop after this many cycles without finishing (e.g. the unbounded run's count when only equality matters). */
  maxCycles?: number;
  /** Record identicalFromDepth (default: for the unbounded run only; it costs a process per cycle). */
  watchPushes?: boolean;
}

export interface ProbeResult {
  depth: number;
  completed: boolean;
  deadlocked: boolean;
  /** Edge of the last output beat when completed; edges simulated otherwise. */
  cycles: number;
  /** FIFO high-water mark. */
  highWater: number;
  /**
   * The largest occupancy the FIFO had before an edge at which it took a beat, + 1: any depth at least this
   * never refuses a push this run made, so it behaves exactly like this run (for the unbounded run: like
   * depth Infinity). At most highWater + 1. NaN when not recorded.
   */
  identicalFromDepth: number;
  seconds: number;
}

/** Records, at each edge, the FIFO occupancy before the edge when a beat enters it. */
class PushWatcher extends Module {
  maxBeforePush = -1;
  constructor(parent: Module, name: string, clk: Signal<number>, fifo: SkipFifo) {
    super(parent, name);
    this.onRising(clk, () => {
      if (fifo.s.valid.sig.value && fifo.s.ready.sig.value) {
        const n = fifo.occupancy.value;
        if (n > this.maxBeforePush) this.maxBeforePush = n;
      }
    });
  }
}

/** The config a probe simulates: timing mode, no tags, no checkers, the given depth. */
export function probeConfig(c: ScenarioConfig): ScenarioConfig {
  return { ...c, mode: 'timing', debug: false };
}

export async function runProbe(req: ProbeRequest): Promise<ProbeResult> {
  const held: { watcher?: PushWatcher } = {};
  const r = await runResidualBlock(probeConfig(req.config), {
    depth: req.depth,
    maxCycles: req.maxCycles,
    setup: (b) => {
      if (req.watchPushes ?? req.depth === Infinity) held.watcher = new PushWatcher(b.top, 'push_watch', b.clk, b.fifo);
    },
  });
  return {
    depth: req.depth,
    completed: r.completed,
    deadlocked: r.deadlock !== null,
    cycles: r.cycles,
    highWater: r.fifo.highWater,
    identicalFromDepth: held.watcher ? held.watcher.maxBeforePush + 1 : NaN,
    seconds: r.seconds,
  };
}
