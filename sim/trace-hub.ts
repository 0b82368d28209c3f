import type { Module } from './module.ts';
import type { Signal } from './signal.ts';
import type { DesignView, TraceSink } from './trace.ts';

/**
 * The simulator's trace sinks: decides which signals are traced, hands each time step's changes to every
 * sink, and makes sure every sink is closed exactly once, even when the process exits without close().
 */
export class TraceHub {
  private readonly sinks: TraceSink[] = [];
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

  step(time: number, changed: readonly Signal<any>[], count: number): void {
    this.lastTime = time;
    for (const sink of this.sinks) sink.step(time, changed, count);
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
