/** Options of the Simulator and of one run() call. */
import type { ClockDriver } from './clock.ts';
import type { Signal } from './signal.ts';
import type { TimeUnit } from './time.ts';

export interface SimulatorOptions {
  /** Length of one integer time step, e.g. '1ps' (default) or '1ns'. */
  timescale?: string;
  /** Delta cycles allowed in one time step before a combinational loop is reported (default 100000). */
  maxDeltas?: number;
}

/** How long `run()` goes on. Exactly one bound should be given; `until` may be combined with the others. */
export interface RunOptions {
  /** Run for this much time (in `unit`, default the timescale's step). */
  time?: number;
  unit?: TimeUnit;
  /** Run for this many rising edges of `clock`. */
  cycles?: number;
  clock?: Signal<number>;
  /** Stop after the first time step (or, with `clock`, rising edge) at which this returns true. */
  until?: () => boolean;
}

/** The bound of one run() call, and the clock edges it has seen. */
export interface RunBound {
  endTime: number;
  clock: ClockDriver | null;
  endCycle: number;
  until: (() => boolean) | undefined;
  seenCycles: number;
}

/** Why `run()` returned. */
export type StopReason = 'time' | 'cycles' | 'until' | 'stopped' | 'idle';
