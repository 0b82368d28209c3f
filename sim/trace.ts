import type { Signal } from './signal.ts';

/**
 * The tracing interface between the kernel and a waveform writer (waves/ implements it).
 * The kernel never formats values; it only tells a sink what the design looks like and which
 * traced signals changed during each time step.
 */

/** One scope of the design: a module, its signals and its ports. */
export interface ScopeView {
  /** Local name (the last element of the path). */
  readonly name: string;
  /** Full hierarchical path, e.g. `top.block0.conv1`. */
  readonly path: string;
  /** Signals declared in this module (they are traced here). */
  readonly signals: readonly Signal<any>[];
  /** Ports of this module with the signal each is bound to (traced as aliases of that signal). */
  readonly ports: readonly { readonly name: string; readonly signal: Signal<any> }[];
  readonly children: readonly ScopeView[];
}

export interface DesignView {
  /** Time unit of one integer time step, e.g. `1ps`. */
  readonly timescale: string;
  /** The top-level modules. */
  readonly roots: readonly ScopeView[];
  /** Clock signals (for viewers that put clocks first). */
  readonly clocks: readonly Signal<number>[];
  /** Period of each clock in `clocks`, in time steps (viewers zoom to a few dozen cycles). */
  readonly clockPeriods?: readonly number[];
}

export interface TraceSink {
  /**
   * Optional filter asked once per signal before `open`: return false for signals this sink never records,
   * so the kernel does not report their changes (tracing cost stays proportional to what is recorded).
   */
  wants?(signal: Signal<any>, scopePath: string): boolean;
  /** Called once, when the design is elaborated and before time 0 is simulated. */
  open(design: DesignView): void;
  /**
   * Called after the delta cycles of a time step have settled, with the traced signals whose value was
   * written to something new during that step: `changed[0 .. count-1]`, each listed once (the kernel
   * reuses one array, so entries from `count` on are stale). Their `value` is the settled value, which
   * may equal the value before the step if it glitched back.
   */
  step(time: number, changed: readonly Signal<any>[], count: number): void;
  /**
   * Called once when the simulation ends, normally or because of an error (`error` set), with the
   * last simulated time. The sink must leave a complete, readable file behind in both cases.
   */
  close(time: number, error?: Error): Promise<void> | void;
}
