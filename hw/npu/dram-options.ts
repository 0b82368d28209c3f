// The DramController's options, their defaults, and the checks that reject bad values before anything
// is built (each error names the option); and the controller's clock.
import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { DramAddressMap, DEFAULT_MAPPING } from './dram-address.ts';
import { getDramParams, validateDramParams, type DramName, type DramParams } from './dram-params.ts';

export interface DramControllerOptions {
  /** Parameter set or its name (default ddr4-3200). */
  params?: DramParams | DramName;
  /** Address mapping, MSB first (default row:bank:column:bankgroup); see dram-address.ts. */
  mapping?: string;
  /** Read and write transaction queue depths (default 32 each). */
  readQueueDepth?: number;
  writeQueueDepth?: number;
  /** Write drain starts at this many queued writes (default 3/4 of the write queue)... */
  writeHighWatermark?: number;
  /** ...and stops at this many, if reads wait (default 1/4). */
  writeLowWatermark?: number;
  /**
   * Start a write drain when the oldest queued write has waited this many DRAM cycles, even below the high
   * watermark (default 1024, 640 ns), so that a few writes are not starved by an endless read stream.
   */
  writeMaxWait?: number;
  /** Row hits served to younger requests while an older one waits for another row of the bank (default 4). */
  rowHitCap?: number;
  /** Issue all-bank refresh every tREFI (default true). */
  refresh?: boolean;
  /** Use this clock (its period must be tCK); by default the controller makes its own `clk`. */
  clock?: Signal<number>;
  /** Record every command in `commandLog` (for dram-checker.ts; costs memory). */
  logCommands?: boolean;
  /**
   * Sleep through cycles in which no command can issue (default true). false runs the scheduler every
   * cycle: same commands, slower; tests use it to show that sleeping changes nothing.
   */
  sleep?: boolean;
}

/** The write-queue policy of the scheduler (see dram-scheduler.ts). */
export interface WritePolicy {
  writeHighWatermark: number;
  writeLowWatermark: number;
  writeMaxWait: number;
  rowHitCap: number;
}

/** Every option but the clock, with its default applied and checked. */
export interface DramSettings extends WritePolicy {
  params: DramParams;
  map: DramAddressMap;
  readQueueDepth: number;
  writeQueueDepth: number;
  refresh: boolean;
  logCommands: boolean;
  sleep: boolean;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`DramController ${name}: expected a positive integer, got ${v}`);
  return v;
}

/** Apply defaults and check every option except `clock` (which needs the simulator). */
export function resolveDramOptions(options: DramControllerOptions): DramSettings {
  const params = typeof options.params === 'string' || options.params === undefined
    ? getDramParams(options.params ?? 'ddr4-3200')
    : validateDramParams(options.params);
  const map = new DramAddressMap(params, options.mapping ?? DEFAULT_MAPPING);
  const readQueueDepth = positiveInt('readQueueDepth', options.readQueueDepth ?? 32);
  const writeQueueDepth = positiveInt('writeQueueDepth', options.writeQueueDepth ?? 32);
  const high = positiveInt('writeHighWatermark', options.writeHighWatermark ?? Math.max(1, Math.ceil((writeQueueDepth * 3) / 4)));
  const low = options.writeLowWatermark ?? Math.floor(writeQueueDepth / 4);
  if (!Number.isSafeInteger(low) || low < 0 || low >= high || high > writeQueueDepth) {
    throw new Error(
      `DramController writeLowWatermark/writeHighWatermark: expected 0 <= low < high <= writeQueueDepth (${writeQueueDepth}), got ${low}/${high}`,
    );
  }
  return {
    params,
    map,
    readQueueDepth,
    writeQueueDepth,
    writeHighWatermark: high,
    writeLowWatermark: low,
    rowHitCap: positiveInt('rowHitCap', options.rowHitCap ?? 4),
    writeMaxWait: positiveInt('writeMaxWait', options.writeMaxWait ?? 1024),
    refresh: options.refresh ?? true,
    logCommands: !!options.logCommands,
    sleep: options.sleep ?? true,
  };
}

/** The `clock` option, whose period must be tCK; without it the controller makes its own `clk`. */
export function dramClock(owner: Module, params: DramParams, clock: Signal<number> | undefined): { clk: Signal<number>; period: number } {
  const sim = owner.sim;
  const stepsPerTck = sim.steps(params.tCK_ps, 'ps');
  if (!clock) {
    return { clk: sim.clock(owner, 'clk', { period: params.tCK_ps, unit: 'ps', duty: halfDuty(stepsPerTck) }), period: stepsPerTck };
  }
  const period = sim.clockOf(clock).period;
  if (period !== stepsPerTck) {
    throw new Error(
      `DramController clock: expected a period of tCK = ${params.tCK_ps} ps (${stepsPerTck} steps) for ${params.name}, got ${period} steps`,
    );
  }
  return { clk: clock, period };
}

/**
 * A duty cycle whose high time is a whole number of steps: 0.5 for an even period, else the high phase is
 * one step shorter (625 ps at 1 ps steps: 312 high, 313 low). Only rising edges matter to the controller.
 */
function halfDuty(steps: number): number {
  for (let high = Math.floor(steps / 2); high >= 1; high--) {
    const duty = high / steps;
    if (Number.isInteger(steps * duty)) return duty;
  }
  return 0.5;
}
