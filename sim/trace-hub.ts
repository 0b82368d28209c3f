import type { Module } from './module.ts';
import type { Signal, SignalReactions } from './signal.ts';
import type { DesignView, TraceSink } from './trace.ts';

/**
 * The simulator's trace sinks: decides which signals are traced, collects each time step's changes and
 * hands them to every sink, and makes sure every sink is closed exactly once, even when the process exits
 * without close().
 */
export class TraceHub {
  private readonly sinks: TraceSink[] = [];
  // Traced signals changed in this time step: changedList[0 .. nChanged-1]. A count instead of
  // `length = 0`: V8 frees an emptied array's storage, and regrowing it cost every time step allocations.
  private readonly changedList: Signal<any>[] = [];
  private nChanged = 0;
  private closed = false;
  private lastTime = 0;

  add(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  get active(): boolean {
    return this.sinks.length > 0;
  }

  /** Mark the signals some sink records, then open every sink. */
  open(design: DesignView, roots: readonly Module[]): void {
    if (this.sinks.length === 0) return;
    for (const root of roots) {
      for (const m of root.walk()) {
        for (const s of m.signals) {
          if (!s.untraced && this.sinks.some((k) => !k.wants || k.wants(s, m.path))) s.observe().traced = true;
        }
      }
    }
    for (const sink of this.sinks) sink.open(design);
    process.once('exit', this.closeOnExit);
  }

  /** A traced signal `s` (with reactions `r`) changed in this time step; listed once per step. */
  changed(s: Signal<any>, r: SignalReactions): void {
    if (r.traceDirty) return;
    r.traceDirty = true;
    this.changedList[this.nChanged++] = s;
  }

  /** The time step at `time` has settled: hand its changes to every sink. */
  endStep(time: number): void {
    const n = this.nChanged;
    if (n === 0) return;
    const list = this.changedList;
    this.lastTime = time;
    for (const sink of this.sinks) sink.step(time, list, n);
    for (let i = 0; i < n; i++) list[i]!.reactions!.traceDirty = false;
    this.nChanged = 0;
  }

  async close(time: number, error?: Error): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.off('exit', this.closeOnExit);
    for (const sink of this.sinks) await sink.close(time, error);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A process that exits without Simulator.close() still leaves finished, loadable trace files. */
  private readonly closeOnExit = (): void => {
    if (this.closed) return;
    this.closed = true;
    for (const sink of this.sinks) void sink.close(this.lastTime, new Error('process exited before Simulator.close()'));
  };
}
