import type { Module } from '../../sim/module.ts';
import type { Clocking } from './clocked.ts';
import { StreamNode } from './stream-node.ts';

/** `stream_stage` KIND: 2 = two-entry skid buffer (registered ready), 1 = one register, combinational ready. */
export type StageKind = 1 | 2;

/**
 * One register slice, latency 1, one word per cycle.
 * KIND 2: s_ready = !skid_v is a register, so ready never ripples through a chain.
 * KIND 1: s_ready = !out_v || m_ready is combinational and ripples back through a chain in delta cycles.
 */
export class StreamStage extends StreamNode {
  private outV = 0;
  private outD = 0;
  private skidV = 0;
  private skidD = 0;

  constructor(parent: Module, name: string, clocking: Clocking, readonly kind: StageKind = 2) {
    super(parent, name, clocking);
    if (kind === 2) {
      this.onRising(this.clk, this.skidTick);
    } else {
      // s_ready follows m_ready and out_v (= m_valid) combinationally.
      this.comb([this.m.ready, this.m.valid], () => this.sReady.set((this.mValid.value ^ 1) | this.mReady.value));
      this.onRising(this.clk, this.registerTick);
    }
  }

  // The rising-edge processes (prototype methods, so the kernel runs all stages in one loop).
  private skidTick(): void {
    if (this.rstSig.value) this.commit(0, 0, 0, 0);
    else this.skidEdge();
  }

  private registerTick(): void {
    if (this.rstSig.value) this.commit(0, 0, 0, 0);
    else this.registerEdge();
  }

  private skidEdge(): void {
    const sValid = this.sValid.value;
    if (!this.outV || this.mReady.value) {
      if (this.skidV) this.commit(1, this.skidD, 0, this.skidD);
      else this.commit(sValid, sValid ? this.sData.value : this.outD, 0, this.skidD);
    } else if (sValid && !this.skidV) {
      this.commit(this.outV, this.outD, 1, this.sData.value);
    }
  }

  private registerEdge(): void {
    if (!this.sReady.value) return;
    const sValid = this.sValid.value;
    this.commit(sValid, sValid ? this.sData.value : this.outD, 0, 0);
  }

  private commit(outV: number, outD: number, skidV: number, skidD: number): void {
    this.outV = outV;
    this.outD = outD;
    this.skidV = skidV;
    this.skidD = skidD;
    this.mValid.set(outV);
    this.mData.set(outD);
    if (this.kind === 2) this.sReady.set(skidV ^ 1);
  }
}
