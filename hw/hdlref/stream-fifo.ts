import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Clocking } from './clocked.ts';
import { StreamNode } from './stream-node.ts';

/**
 * `stream_fifo`: DEPTH words, show-ahead read, no bypass (a word pushed at edge k leaves at edge k+1 at
 * the earliest), and a full FIFO refuses a push even in a cycle where it pops. s_ready, m_valid and
 * m_data are functions of registers, so they are computed at the edge.
 */
export class StreamFifo extends StreamNode {
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
    this.count = this.signal('count', 32, { traceAs: 'integer' });
    this.mem = new Uint16Array(depth);
    this.onRising(this.clk, this.tick);
  }

  private tick(): void {
    if (this.rstSig.value) {
      this.rd = this.wr = this.n = this.maxCount = 0;
      this.publish();
      return;
    }
    const push = this.sValid.value & this.sReady.value;
    const pop = this.mValid.value & this.mReady.value;
    if (push) {
      this.mem[this.wr] = this.sData.value;
      this.wr = this.wr + 1 === this.depth ? 0 : this.wr + 1;
    }
    if (pop) this.rd = this.rd + 1 === this.depth ? 0 : this.rd + 1;
    if (push !== pop) {
      this.n += push - pop;
      if (this.n > this.maxCount) this.maxCount = this.n;
      this.publish();
    } else if (pop) {
      this.mData.set(this.mem[this.rd]!);
    }
  }

  override blockedOn(): string | null {
    if (this.n === this.depth && !this.mReady.value) return `full (${this.n}/${this.depth}), output not ready`;
    return null;
  }

  private publish(): void {
    this.sReady.set(this.n !== this.depth ? 1 : 0);
    this.mValid.set(this.n !== 0 ? 1 : 0);
    if (this.n !== 0) this.mData.set(this.mem[this.rd]!);
    this.count.set(this.n);
  }
}
