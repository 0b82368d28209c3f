import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { StreamIn, StreamOut } from '../stream/stream.ts';
import { Clocked, type Clocking } from './clocked.ts';

/**
 * `stream_fifo`: DEPTH words, show-ahead read, no bypass (a word pushed at edge k leaves at edge k+1 at
 * the earliest), and a full FIFO refuses a push even in a cycle where it pops. s_ready, m_valid and
 * m_data are functions of registers, so they are computed at the edge.
 */
export class StreamFifo extends Clocked {
  readonly s: StreamIn;
  readonly m: StreamOut;
  /** Occupancy after the last edge, traced as an integer. */
  readonly count: Signal;
  private readonly mem: Uint16Array;
  private rd = 0;
  private wr = 0;
  private n = 0;
  /** Largest post-edge occupancy (max_count). */
  maxCount = 0;

  constructor(parent: Module, name: string, clocking: Clocking, readonly depth: number) {
    super(parent, name, clocking);
    this.s = new StreamIn(this, 's', 16);
    this.m = new StreamOut(this, 'm', 16);
    this.count = this.signal('count', 32, { traceAs: 'integer' });
    this.mem = new Uint16Array(depth);
    this.always(
      () => {
        this.rd = this.wr = this.n = this.maxCount = 0;
        this.publish();
      },
      () => {
        const push = this.s.valid.sig.value & this.s.ready.sig.value;
        const pop = this.m.valid.sig.value & this.m.ready.sig.value;
        if (push) {
          this.mem[this.wr] = this.s.data.sig.value;
          this.wr = this.wr + 1 === this.depth ? 0 : this.wr + 1;
        }
        if (pop) this.rd = this.rd + 1 === this.depth ? 0 : this.rd + 1;
        if (push !== pop) {
          this.n += push - pop;
          if (this.n > this.maxCount) this.maxCount = this.n;
          this.publish();
        } else if (pop) {
          this.m.data.sig.set(this.mem[this.rd]!);
        }
      },
    );
  }

  override blockedOn(): string | null {
    if (this.n === this.depth && !this.m.ready.sig.value) return `full (${this.n}/${this.depth}), output not ready`;
    return null;
  }

  private publish(): void {
    this.s.ready.sig.set(this.n !== this.depth ? 1 : 0);
    this.m.valid.sig.set(this.n !== 0 ? 1 : 0);
    if (this.n !== 0) this.m.data.sig.set(this.mem[this.rd]!);
    this.count.set(this.n);
  }
}
