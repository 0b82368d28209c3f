import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { StreamIn } from '../stream/stream.ts';
import { Clocked, type Clocking } from './clocked.ts';
import { CSUM_RESET, SNK_LFSR_RESET, fnvStep, gate, step32 } from './lfsr.ts';

/** `stream_sink`: ready = gate(lfsr, P) (may drop at any time); checksums every word it takes. */
export class StreamSink extends Clocked {
  readonly s: StreamIn;
  private lfsr = SNK_LFSR_RESET;
  /** FNV-style checksum of the words taken (csum). */
  csum = CSUM_RESET;
  /** Words taken (rx_count). */
  rx = 0;
  private valid!: Signal;
  private ready!: Signal;
  private data!: Signal;

  constructor(parent: Module, name: string, clocking: Clocking, readonly pSnk = 12) {
    super(parent, name, clocking);
    this.s = new StreamIn(this, 's', 16);
    this.onRising(this.clk, this.tick);
  }

  override endOfElaboration(): void {
    super.endOfElaboration();
    ({ valid: this.valid, ready: this.ready, data: this.data } = this.s.signals());
  }

  private tick(): void {
    if (this.rstSig.value) {
      this.lfsr = SNK_LFSR_RESET;
      this.csum = CSUM_RESET;
      this.rx = 0;
    } else {
      if (this.valid.value & this.ready.value) {
        this.csum = fnvStep(this.csum, this.data.value);
        this.rx++;
        this.progress();
      }
      this.lfsr = step32(this.lfsr);
    }
    this.ready.set(gate(this.lfsr, this.pSnk));
  }
}
