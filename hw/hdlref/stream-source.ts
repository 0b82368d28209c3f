import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { StreamOut } from '../stream/stream.ts';
import { Clocked, type Clocking } from './clocked.ts';
import { SRC_DATA_RESET, SRC_LFSR_RESET, gate, step16, step32 } from './lfsr.ts';

/**
 * `stream_src`: offers LFSR data words with LFSR-driven gaps. valid = hold | gate(lfsr, P); once valid it
 * holds until taken. All outputs are functions of registers, so they are computed at the edge.
 */
export class StreamSource extends Clocked {
  readonly m: StreamOut;
  private lfsr = SRC_LFSR_RESET;
  private word = SRC_DATA_RESET;
  /** Words sent (tx_count). */
  tx = 0;
  private valid!: Signal;
  private ready!: Signal;
  private data!: Signal;

  constructor(parent: Module, name: string, clocking: Clocking, readonly pSrc = 12) {
    super(parent, name, clocking);
    this.m = new StreamOut(this, 'm', 16);
    this.onRising(this.clk, this.tick);
  }

  override endOfElaboration(): void {
    super.endOfElaboration();
    ({ valid: this.valid, ready: this.ready, data: this.data } = this.m.signals());
  }

  private tick(): void {
    if (this.rstSig.value) {
      this.load(SRC_LFSR_RESET, 0, SRC_DATA_RESET, 0);
      return;
    }
    const valid = this.valid.value;
    const ready = this.ready.value;
    const taken = valid & ready;
    this.load(step32(this.lfsr), valid & (ready ^ 1), taken ? step16(this.word) : this.word, this.tx + taken);
    if (taken) this.progress();
  }

  private load(lfsr: number, hold: number, word: number, tx: number): void {
    this.lfsr = lfsr;
    this.word = word;
    this.tx = tx;
    this.valid.set(hold | gate(lfsr, this.pSrc));
    this.data.set(word);
  }
}
