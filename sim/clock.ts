import { ErrorCodes, SimError } from './errors.ts';
import type { TimedEvent } from './event-queue.ts';
import type { Signal } from './signal.ts';
import { toSteps, type Timescale, type TimeUnit } from './time.ts';

export interface ClockOptions {
  /** Period in time steps of the simulator's timescale (use Simulator.steps() to convert). */
  period: number;
  /** Time of the first rising edge, in steps (default: half a period, so the clock starts low). */
  phase?: number;
  /** Fraction of the period the clock is high, default 0.5; high time must be a whole number of steps. */
  duty?: number;
}

/**
 * Drives a 1-bit clock signal from timed events: rising at phase + k*period, falling `high` steps
 * later. It is the clock signal's only driver.
 */
export class ClockDriver implements TimedEvent {
  at = 0;
  seq = 0;
  readonly period: number;
  readonly phase: number;
  readonly high: number;
  /** Number of rising edges so far. */
  cycles = 0;

  constructor(
    readonly signal: Signal<number>,
    options: ClockOptions,
    private readonly reschedule: (ev: TimedEvent, at: number) => void,
  ) {
    const { period } = options;
    const where = `clock ${signal.path}`;
    if (!Number.isSafeInteger(period) || period < 2) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `${where}: period must be a whole number of at least 2 time steps, got ${period}`,
        paths: [signal.path],
        hint: 'use a finer timescale for fast clocks',
      });
    }
    const duty = options.duty ?? 0.5;
    const high = period * duty;
    if (!Number.isInteger(high) || high < 1 || high >= period) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `${where}: duty ${duty} gives a high time of ${high} steps; it must be a whole number in 1..${period - 1}`,
        paths: [signal.path],
      });
    }
    const phase = options.phase ?? period - high;
    if (!Number.isSafeInteger(phase) || phase < 0) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `${where}: phase must be a whole, non-negative number of steps, got ${phase}`,
        paths: [signal.path],
      });
    }
    this.period = period;
    this.high = high;
    this.phase = phase;
  }

  get path(): string {
    return `${this.signal.path}(clock)`;
  }

  start(): void {
    this.reschedule(this, this.phase);
  }

  fire(): void {
    const rising = this.signal.value === 0;
    this.signal.set(rising ? 1 : 0);
    if (rising) this.cycles++;
    this.reschedule(this, this.at + (rising ? this.high : this.period - this.high));
  }
}

/** A clock as the user gives it: period and phase in `unit` (default: the timescale's unit). */
export interface ClockSpec {
  period: number;
  unit?: TimeUnit;
  phase?: number;
  duty?: number;
}

/** Convert a ClockSpec into whole time steps of `ts` (an inexact time is an error naming the clock). */
export function clockSteps(path: string, spec: ClockSpec, ts: Timescale): ClockOptions {
  const unit = spec.unit ?? ts.unit;
  const opts: ClockOptions = { period: toSteps(spec.period, unit, ts, `clock ${path} period`), duty: spec.duty };
  if (spec.phase !== undefined) opts.phase = toSteps(spec.phase, unit, ts, `clock ${path} phase`);
  return opts;
}
