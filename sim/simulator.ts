import { ClockDriver, clockSteps, type ClockSpec } from './clock.ts';
import { badParameterError, combinationalLoopError, ErrorCodes, frozenError, processFailedError, SimError } from './errors.ts';
import { compileEdgeList, type EdgeRunner } from './edge-runner.ts';
import { EventQueue, type TimedEvent } from './event-queue.ts';
import type { Module, Trigger } from './module.ts';
import { Coroutines } from './coroutines.ts';
import { checkStructure } from './elaborate.ts';
import { claimDriver, Port } from './port.ts';
import { TraceHub } from './trace-hub.ts';
import { Process, type ProcessOwner } from './process.ts';
import type { Signal, SignalHost, SignalReactions } from './signal.ts';
import { formatTimescale, parseTimescale, toSteps, wholeSteps, type Timescale, type TimeUnit } from './time.ts';
import type { DesignView, TraceSink } from './trace.ts';
import type { RunBound, RunOptions, SimulatorOptions, StopReason } from './run-options.ts';

export type { RunOptions, SimulatorOptions, StopReason };

const KERNEL: ProcessOwner = { path: '(kernel)' };

/**
 * The discrete-event kernel. Each time step runs delta cycles of *evaluate* (run every triggered process;
 * writes are only requested) and *update* (apply the requested writes; every changed signal wakes its
 * processes for the next delta) until nothing changes. Then time advances to the next timed event.
 * Process order inside one evaluate phase cannot change any result, because no write is visible
 * before the update phase: the simulation is deterministic by construction. See docs/timing-model.md.
 */
export class Simulator implements SignalHost {
  readonly timescale: Timescale;
  readonly maxDeltas: number;
  time = 0;
  delta = 0;
  activeOwner: object | null = null;
  elaborated = false;

  private readonly roots: Module[] = [];
  private readonly clocks: ClockDriver[] = [];
  private readonly combProcesses: Process[] = [];
  private readonly traces = new TraceHub();
  private readonly queue = new EventQueue();
  // Work lists are reused arrays with explicit counts: no reallocation per delta on the hot path.
  /** The update list (SignalHost): signals append themselves on their first write in a delta. */
  readonly updates: Signal<any>[] = [];
  nUpdates = 0;
  private readonly runnable: Process[] = [];
  private nRunnable = 0;
  /** Signals with edge processes, until elaboration compiles their lists into runners. */
  private readonly edgeSignals = new Set<Signal<any>>();
  /** Edge runners fired in the last update: each runs a whole edge list, without per-process wakes. */
  private readonly firedEdges: EdgeRunner[] = [];
  private nFiredEdges = 0;
  private readonly coroutines = new Coroutines();
  private stopRequested = false;
  private loopWatch: Set<Signal<any>> | null = null;
  private readonly lateBindings: (() => void)[] = [];
  /** The current delta's coroutines were resumed; go on with its update phase. */
  private resumedThisDelta = false;
  private deferredError: SimError | null = null;
  private lingerClock: ClockDriver | null = null;
  private lingerUntil = 0;
  /** Bumped by components when they move data; read by the progress watchdog. */
  progressCount = 0;
  /**
   * progressCount as it was when the current time step began: what a watchdog reads, so that its verdict
   * does not depend on whether it runs before or after the components in the same evaluate phase.
   */
  progressAtStepStart = 0;

  constructor(options: SimulatorOptions = {}) {
    this.timescale = parseTimescale(options.timescale ?? '1ps');
    const maxDeltas = options.maxDeltas ?? 100_000;
    if (!Number.isSafeInteger(maxDeltas) || maxDeltas < 2) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `maxDeltas must be a whole number >= 2, got ${maxDeltas}`,
      });
    }
    this.maxDeltas = maxDeltas;
  }

  // ---- construction -------------------------------------------------------------------------------

  /** Convert an amount of time into steps of this simulator's timescale (exactly, or an error). */
  steps(amount: number, unit: TimeUnit): number {
    return toSteps(amount, unit, this.timescale);
  }

  /** `amount` in `unit`, or in time steps when no unit is given; must be exact. */
  stepsOf(amount: number, unit: TimeUnit | undefined, what: string): number {
    return unit === undefined ? wholeSteps(amount, what) : toSteps(amount, unit, this.timescale, what);
  }


  /** Declare a clock signal `name` in `parent`, driven by the kernel. Period and phase are in `unit`. */
  clock(
    parent: Module,
    name: string,
    options: ClockSpec,
  ): Signal<number> {
    const sig = parent.signal(name, 1);
    const driver = new ClockDriver(sig, clockSteps(sig.path, options, this.timescale), (ev, at) => this.queue.push(ev, at));
    claimDriver(sig, driver, driver.path);
    this.clocks.push(driver);
    return sig;
  }

  /** The clock driver of a clock signal made by `clock()`, for its period and edge count. */
  clockOf(sig: Signal<number>): ClockDriver {
    const d = this.clocks.find((c) => c.signal === sig);
    if (!d) throw badParameterError(`${sig.path} is not a clock made by Simulator.clock()`, [sig.path]);
    return d;
  }

  addRoot(m: Module): void {
    if (this.elaborated) this.frozen(`add top-level module ${m.path}`);
    if (this.roots.some((r) => r.name === m.name)) {
      throw new SimError({
        code: ErrorCodes.BAD_NAME,
        message: `a top-level module named '${m.name}' already exists`,
        paths: [m.path],
      });
    }
    this.roots.push(m);
  }

  addEdgeProcess(owner: Module, trigger: Trigger, edge: 'rising' | 'falling', fn: () => void): void {
    if (this.elaborated) this.frozen(`add a process to ${owner.path}`);
    const p = new Process(owner, edge, fn, this);
    this.resolveLater(trigger, (sig) => {
      if (sig.width !== 1) {
        throw new SimError({
          code: ErrorCodes.WIDTH_MISMATCH,
          message: `${owner.path}: an edge process needs a 1-bit clock, but ${sig.path} is ${sig.width} bits`,
          paths: [owner.path, sig.path],
        });
      }
      const r = sig.observe();
      (edge === 'rising' ? r.onRise : r.onFall).push(p);
      this.edgeSignals.add(sig);
    });
  }

  addCombProcess(owner: Module, inputs: readonly Trigger[], fn: () => void): void {
    if (this.elaborated) this.frozen(`add a process to ${owner.path}`);
    const p = new Process(owner, 'comb', fn, this);
    for (const t of inputs) {
      this.resolveLater(t, (sig) => {
        sig.observe().onChange.push(p);
      });
    }
    this.combProcesses.push(p);
  }

  /** Record waveforms into `sink` (call before the first run). */
  trace(sink: TraceSink): void {
    if (this.elaborated) this.frozen('add a trace sink');
    this.traces.add(sink);
  }

  // ---- elaboration --------------------------------------------------------------------------------

  /** Check the structure, freeze it and prepare time 0. Called by the first `run()`. */
  elaborate(): void {
    if (this.elaborated) return;
    checkStructure(this.roots);
    for (const resolveLate of this.lateBindings) resolveLate();
    this.lateBindings.length = 0;
    this.elaborated = true;
    for (const sig of this.edgeSignals) {
      const r = sig.observe();
      if (r.onRise.length) r.riseRunner = compileEdgeList(r.onRise);
      if (r.onFall.length) r.fallRunner = compileEdgeList(r.onFall);
    }
    this.edgeSignals.clear();
    for (const root of this.roots) for (const m of root.walk()) m.endOfElaboration();
    this.traces.open(this.design(), this.roots);
    for (const c of this.clocks) c.start();
    for (const p of this.combProcesses) p.wake();
  }

  /** A view of the hierarchy for tracers and tools. */
  design(): DesignView {
    return {
      timescale: formatTimescale(this.timescale),
      roots: this.roots,
      clocks: this.clocks.map((c) => c.signal),
      clockPeriods: this.clocks.map((c) => c.period),
    };
  }

  get topModules(): readonly Module[] {
    return this.roots;
  }

  // ---- running ------------------------------------------------------------------------------------

  /**
   * Simulate until the bound in `options` is reached, `stop()` is called, or nothing is left to do.
   * Throws a SimError on any failure; trace sinks are then closed with the error so files stay complete.
   */
  async run(options: RunOptions = {}): Promise<StopReason> {
    this.elaborate();
    if (this.traces.isClosed) {
      throw new SimError({ code: ErrorCodes.FROZEN, message: 'run() after close(): the simulation has ended' });
    }
    const endTime = this.endTimeOf(options);
    const clock = options.clock ? this.clockOf(options.clock) : null;
    if (options.cycles !== undefined && !clock) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: 'run({cycles}) needs the clock whose rising edges it counts: run({cycles, clock})',
      });
    }
    const bound: RunBound = {
      endTime,
      clock,
      endCycle: clock && options.cycles !== undefined ? clock.cycles + options.cycles : Infinity,
      until: options.until,
      seenCycles: clock ? clock.cycles : 0,
    };
    this.stopRequested = false;
    try {
      for (;;) {
        const why = this.runSteps(bound);
        if (why !== 'resume') return why;
        await this.resumeCoroutines();
      }
    } catch (err) {
      const error = this.wrap(err);
      await this.closeSinks(error);
      throw error;
    }
  }

  /**
   * Fail the simulation: at the end of the current time step (the step's values still reach the trace, e.g.
   * a deadlock marker), or, with `linger`, after that many more rising edges of its clock, so waveforms
   * show the stuck state beyond the failure. run() then throws `error`; it also throws it if the run's own
   * bound comes first.
   */
  fail(error: SimError, linger?: { cycles: number; clock: Signal<number> }): void {
    if (this.deferredError !== null) return;
    this.deferredError = error;
    if (linger) {
      this.lingerClock = this.clockOf(linger.clock);
      this.lingerUntil = this.lingerClock.cycles + linger.cycles;
    }
  }

  /**
   * The synchronous heart of run(): settle, trace, check the bound, advance time, repeat. Returns why it
   * stopped, or 'resume' when testbench coroutines must run first (the only reason run() ever awaits).
   */
  private runSteps(b: RunBound): StopReason | 'resume' {
    const why = this.stepUntilBound(b);
    if (why !== 'resume' && this.deferredError) throw this.deferredError;
    return why;
  }

  private stepUntilBound(b: RunBound): StopReason | 'resume' {
    const clock = b.clock;
    for (;;) {
      if (this.settle()) return 'resume';
      this.endTimeStep();
      if (this.deferredError && (this.lingerClock === null || this.lingerClock.cycles >= this.lingerUntil)) {
        throw this.deferredError;
      }
      if (this.stopRequested) return 'stopped';
      if (clock !== null) {
        const edged = clock.cycles !== b.seenCycles;
        b.seenCycles = clock.cycles;
        if (clock.cycles >= b.endCycle) return 'cycles';
        if (edged && b.until && b.until()) return 'until';
      } else if (b.until && b.until()) {
        return 'until';
      }
      const next = this.queue.peekTime();
      if (next === Infinity) return 'idle';
      if (next > b.endTime) {
        this.time = b.endTime;
        this.delta = 0;
        return 'time';
      }
      this.advanceTo(next);
    }
  }

  /** Ask the running simulation to stop at the end of the current time step. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Finish every trace sink (writes the final time marker). Call once when the simulation is over. */
  async close(): Promise<void> {
    await this.closeSinks();
  }

  /** Called by components when data moves; the watchdog counts it. */
  progress(): void {
    this.progressCount++;
  }

  // ---- SignalHost / ProcessQueue ------------------------------------------------------------------

  schedule(p: Process): void {
    const n = this.nRunnable;
    if (n === this.runnable.length) this.runnable.push(p);
    else this.runnable[n] = p;
    this.nRunnable = n + 1;
  }

  // ---- async testbench support (used by sim/triggers.ts) ------------------------------------------

  /** Start an async testbench process owned by `owner`; it first runs in the next evaluate phase. */
  fork(owner: ProcessOwner, body: () => Promise<void>): Promise<void> {
    return this.coroutines.fork(owner, body);
  }

  /** Resume `resolve` in the next evaluate phase of the current time step. */
  resumeNextDelta(resolve: () => void): void {
    this.coroutines.resumes.push(resolve);
  }

  /** Resume `resolve` once the current time step has settled (no more delta cycles pending). */
  resumeWhenSettled(resolve: () => void): void {
    this.coroutines.whenSettled(resolve);
  }

  /** Resume `resolve` in the first evaluate phase at time now + `steps`. */
  resumeAfter(steps: number, resolve: () => void): void {
    const ev: TimedEvent = { at: 0, seq: 0, fire: () => this.coroutines.resumes.push(resolve) };
    this.queue.push(ev, this.time + steps);
  }

  // ---- the delta loop -----------------------------------------------------------------------------

  /**
   * Run delta cycles at the current time until nothing changes. Returns true, without finishing, when
   * testbench coroutines must be resumed first (the caller awaits them and calls again); the common
   * case of pure hardware processes never awaits, which keeps the hot path synchronous.
   */
  private settle(): boolean {
    for (;;) {
      if (!this.resumedThisDelta) {
        this.evaluate();
        if (this.coroutines.resumes.length) {
          this.resumedThisDelta = true;
          return true;
        }
      }
      this.resumedThisDelta = false;
      if (this.nUpdates === 0) {
        if (this.nRunnable === 0 && this.nFiredEdges === 0 && this.coroutines.resumes.length === 0) {
          if (!this.coroutines.releaseSettled()) return false;
        }
      } else {
        this.update();
      }
      if (++this.delta >= this.maxDeltas - 16) this.watchForLoop();
    }
  }

  private evaluate(): void {
    const fired = this.firedEdges;
    for (let i = 0; i < this.nFiredEdges; i++) fired[i]!(this);
    this.nFiredEdges = 0;
    const r = this.runnable;
    // Wakes cannot happen during evaluate (writes only queue updates), so nRunnable is stable here.
    for (let i = 0; i < this.nRunnable; i++) {
      const p = r[i]!;
      p.scheduled = false;
      this.activeOwner = p.owner;
      p.fn.call(p.owner);
    }
    this.nRunnable = 0;
    this.activeOwner = null;
  }

  private update(): void {
    const ups = this.updates;
    const n = this.nUpdates;
    const watch = this.loopWatch;
    for (let i = 0; i < n; i++) {
      const s = ups[i]!;
      s.pending = 0;
      const v = s.next;
      const old = s.value;
      if (v === old) continue;
      s.value = v;
      const r = s.reactions;
      if (r !== null) this.notify(s, r, old, v);
      if (watch !== null) watch.add(s);
    }
    this.nUpdates = 0;
  }

  /** Everything that reacts to a change of an observed signal: tracing, processes, coroutines. */
  private notify(s: Signal<any>, r: SignalReactions, old: unknown, v: unknown): void {
    if (r.traced) this.traces.changed(s, r);
    const oc = r.onChange;
    for (let j = 0; j < oc.length; j++) oc[j]!.wake();
    if (old === 0 && v === 1) {
      if (r.riseRunner !== null) this.fireEdge(r.riseRunner);
    } else if (old === 1 && v === 0) {
      if (r.fallRunner !== null) this.fireEdge(r.fallRunner);
    }
    if (r.waiters !== null) this.coroutines.checkWaiters(r, old, v);
  }

  private fireEdge(runner: EdgeRunner): void {
    const n = this.nFiredEdges;
    if (n === this.firedEdges.length) this.firedEdges.push(runner);
    else this.firedEdges[n] = runner;
    this.nFiredEdges = n + 1;
  }

  private async resumeCoroutines(): Promise<void> {
    await this.coroutines.resumeBatch();
    const failed = this.coroutines.failure;
    if (failed) throw this.processError(failed.owner, failed.error);
  }

  private endTimeStep(): void {
    this.loopWatch = null;
    this.traces.endStep(this.time);
  }

  private advanceTo(t: number): void {
    this.time = t;
    this.delta = 0;
    this.progressAtStepStart = this.progressCount;
    const q = this.queue;
    while (q.peekTime() === t) {
      const ev = q.pop()!;
      // A clock driver writes its clock as that signal's driver, which takes set()'s fast path.
      if (ev instanceof ClockDriver) this.activeOwner = ev;
      ev.fire();
    }
    this.activeOwner = null;
  }

  private watchForLoop(): void {
    if (this.loopWatch === null) this.loopWatch = new Set();
    else if (this.delta >= this.maxDeltas) throw combinationalLoopError([...this.loopWatch], this.maxDeltas, this.time, this.delta);
  }


  // ---- helpers ------------------------------------------------------------------------------------

  private endTimeOf(options: RunOptions): number {
    if (options.time === undefined) {
      if (options.cycles === undefined && options.until === undefined && this.clocks.length > 0) {
        throw new SimError({
          code: ErrorCodes.BAD_PARAMETER,
          message: 'run() of a design with clocks needs a bound: {time}, {cycles, clock} or {until}',
          hint: 'a free-running clock never runs out of events, so an unbounded run would never return',
        });
      }
      return Infinity;
    }
    return this.time + this.stepsOf(options.time, options.unit, 'run time');
  }

  /** Ports may be bound after a process names them: resolve them at elaboration. */
  private resolveLater(t: Trigger, use: (sig: Signal<any>) => void): void {
    if (t instanceof Port && !t.isBound) this.lateBindings.push(() => use(this.resolve(t)));
    else use(this.resolve(t));
  }

  private resolve(t: Trigger): Signal<any> {
    return t instanceof Port ? t.sig : t;
  }

  private async closeSinks(error?: Error): Promise<void> {
    await this.traces.close(this.time, error);
  }

  private wrap(err: unknown): SimError {
    if (err instanceof SimError) return err;
    // activeOwner is still set to the module whose process threw.
    const owner = (this.activeOwner as ProcessOwner | null) ?? this.coroutines.failure?.owner ?? KERNEL;
    return this.processError(owner, err);
  }

  private processError(owner: ProcessOwner, error: unknown): SimError {
    return processFailedError(owner.path, error, this.time, this.delta);
  }

  private frozen(what: string): never {
    throw frozenError(what);
  }
}
