import type { Module } from '../../sim/module.ts';
import { StreamIn, StreamOut } from '../stream/stream.ts';
import { Clocked, type Clocking } from './clocked.ts';

/** `stream_stage` KIND: 2 = two-entry skid buffer (registered ready), 1 = one register, combinational ready. */
export type StageKind = 1 | 2;

/**
 * One register slice, latency 1, one word per cycle.
 * KIND 2: s_ready = !skid_v is a register, so ready never ripples through a chain.
 * KIND 1: s_ready = !out_v || m_ready is combinational and ripples back through a chain in delta cycles.
 */
export class StreamStage extends Clocked {
  readonly s: StreamIn;
  readonly m: StreamOut;
  private outV = 0;
  private outD = 0;
  private skidV = 0;
  private skidD = 0;

  constructor(parent: Module, name: string, clocking: Clocking, readonly kind: StageKind = 2) {
    super(parent, name, clocking);
    this.s = new StreamIn(this, 's', 16);
    this.m = new StreamOut(this, 'm', 16);
    if (kind === 2) this.skid();
    else this.register();
  }

  private skid(): void {
    const reset = () => this.commit(0, 0, 0, 0);
    this.always(reset, () => {
      const sValid = this.s.valid.sig.value;
      if (!this.outV || this.m.ready.sig.value) {
        if (this.skidV) this.commit(1, this.skidD, 0, this.skidD);
        else this.commit(sValid, sValid ? this.s.data.sig.value : this.outD, 0, this.skidD);
      } else if (sValid && !this.skidV) {
        this.commit(this.outV, this.outD, 1, this.s.data.sig.value);
      }
    });
  }

  private register(): void {
    // s_ready follows m_ready and out_v (= m_valid) combinationally.
    this.comb([this.m.ready, this.m.valid], () => this.s.ready.set((this.m.valid.value ^ 1) | this.m.ready.value));
    const reset = () => this.commit(0, 0, 0, 0);
    this.always(reset, () => {
      if (!this.s.ready.sig.value) return;
      const sValid = this.s.valid.sig.value;
      this.commit(sValid, sValid ? this.s.data.sig.value : this.outD, 0, 0);
    });
  }

  private commit(outV: number, outD: number, skidV: number, skidD: number): void {
    this.outV = outV;
    this.outD = outD;
    this.skidV = skidV;
    this.skidD = skidD;
    this.m.valid.sig.set(outV);
    this.m.data.sig.set(outD);
    if (this.kind === 2) this.s.ready.sig.set(skidV ^ 1);
  }
}
