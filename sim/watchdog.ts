import { ErrorCodes, SimError } from './errors.ts';
import { Module } from './module.ts';
import type { Signal } from './signal.ts';

export interface WatchdogOptions {
  /** The clock whose rising edges count cycles. */
  clock: Signal<number>;
  /** Rising edges without any progress after which the design counts as deadlocked. */
  idleCycles: number;
  /** Whether work remains (e.g. frames not yet delivered); an idle design with no work left is done. */
  workRemains: () => boolean;
  /**
   * Rising edges simulated after the deadlock is detected before the run fails (default 64), so the
   * waveform shows the stuck design beyond the marker; the error's time is the detection time.
   */
  lingerCycles?: number;
}

/** One blocked component and why, as listed in a deadlock error. */
export interface BlockedComponent {
  path: string;
  reason: string;
}

export class DeadlockError extends SimError {
  constructor(
    readonly blocked: readonly BlockedComponent[],
    readonly cycle: number,
    idleCycles: number,
    time: number,
  ) {
    super({
      code: ErrorCodes.DEADLOCK,
      message:
        `deadlock: no progress for ${idleCycles} cycles (since cycle ${cycle - idleCycles}) while work remains.\n` +
        (blocked.length
          ? blocked.map((b) => `    ${b.path}: ${b.reason}`).join('\n')
          : '    (no component reported what it waits on)'),
      paths: blocked.map((b) => b.path),
      time,
      hint: 'read the list as a chain of waits: the component that waits on nothing upstream is the culprit',
    });
    this.name = 'DeadlockError';
  }
}

/**
 * The progress watchdog: counts rising edges of a clock, and when no component has called `progress()`
 * at any of the last `idleCycles` edges while `workRemains()`, raises its `deadlock` marker (visible in the VCD) and
 * stops the simulation with a DeadlockError listing every module's `blockedOn()` reason.
 */
export class Watchdog extends Module {
  /** 1 from the cycle the deadlock is detected: a marker to find in GTKWave. */
  readonly deadlock = this.signal('deadlock', 1);
  /** Cycles since the last progress, traced as an integer. */
  readonly idle = this.signal('idle_cycles', 32, { traceAs: 'integer' });
  private cycle = 0;
  private lastCount = -1;
  private lastProgressCycle = 0;
  private tripped: DeadlockError | null = null;

  constructor(
    parent: Module,
    name: string,
    private readonly options: WatchdogOptions,
  ) {
    super(parent, name);
    if (!Number.isSafeInteger(options.idleCycles) || options.idleCycles < 1) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `${this.path}: idleCycles must be a whole number >= 1, got ${options.idleCycles}`,
        paths: [this.path],
      });
    }
    this.onRising(options.clock, this.tick);
  }

  private tick(): void {
    this.cycle++;
    // Progress made at the previous edge (or between edges) is seen now, whatever the process order.
    const count = this.sim.progressAtStepStart;
    if (count !== this.lastCount) {
      this.lastCount = count;
      this.lastProgressCycle = this.cycle - 1;
      if (this.idle.value !== 0) this.idle.set(0);
      return;
    }
    const idle = this.cycle - this.lastProgressCycle;
    this.idle.set(Math.min(idle, 0xffffffff));
    if (idle >= this.options.idleCycles && this.options.workRemains()) {
      this.deadlock.set(1);
      this.tripped = new DeadlockError(this.blockedComponents(), this.cycle, idle, this.sim.time);
      // The marker reaches the trace first; the run lingers a little so viewers show the stuck state.
      this.sim.fail(this.tripped, { cycles: this.options.lingerCycles ?? 64, clock: this.options.clock });
    }
  }

  /** The error, if the watchdog has tripped; run() wrappers rethrow it. */
  get error(): DeadlockError | null {
    return this.tripped;
  }

  private blockedComponents(): BlockedComponent[] {
    const out: BlockedComponent[] = [];
    for (const root of this.sim.topModules) {
      for (const m of root.walk()) {
        const reason = m.blockedOn();
        if (reason !== null) out.push({ path: m.path, reason });
      }
    }
    return out;
  }
}
