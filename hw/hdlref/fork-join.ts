import type { Module } from '../../sim/module.ts';
import { Clocked, type Clocking } from './clocked.ts';

/**
 * The reference design's synchronised fork, valid/ready only (both branches get the source's data
 * wire): a word enters both branches in the same cycle or neither.
 *   src_ready = main_ready & skip_ready, main_valid = src_valid & skip_ready, skip_valid = src_valid & main_ready
 */
export class LockstepFork extends Clocked {
  readonly srcValid = this.input('src_valid', 1);
  readonly srcReady = this.output('src_ready', 1);
  readonly mainValid = this.output('main_valid', 1);
  readonly mainReady = this.input('main_ready', 1);
  readonly skipValid = this.output('skip_valid', 1);
  readonly skipReady = this.input('skip_ready', 1);

  constructor(parent: Module, name: string, clocking: Clocking) {
    super(parent, name, clocking);
    this.comb([this.srcValid, this.mainReady, this.skipReady], () => {
      const v = this.srcValid.value;
      const mr = this.mainReady.value;
      const sr = this.skipReady.value;
      this.srcReady.set(mr & sr);
      this.mainValid.set(v & sr);
      this.skipValid.set(v & mr);
    });
  }
}

/**
 * The reference design's adding join: j_valid = a_valid & b_valid, a_ready = j_ready & b_valid,
 * b_ready = j_ready & a_valid, j_data = (a + b) mod 2^16.
 */
export class AddJoin extends Clocked {
  readonly aValid = this.input('a_valid', 1);
  readonly aReady = this.output('a_ready', 1);
  readonly aData = this.input('a_data', 16);
  readonly bValid = this.input('b_valid', 1);
  readonly bReady = this.output('b_ready', 1);
  readonly bData = this.input('b_data', 16);
  readonly jValid = this.output('j_valid', 1);
  readonly jReady = this.input('j_ready', 1);
  readonly jData = this.output('j_data', 16);

  constructor(parent: Module, name: string, clocking: Clocking) {
    super(parent, name, clocking);
    this.comb([this.aValid, this.bValid, this.jReady, this.aData, this.bData], () => {
      const a = this.aValid.value;
      const b = this.bValid.value;
      const r = this.jReady.value;
      this.jValid.set(a & b);
      this.aReady.set(r & b);
      this.bReady.set(r & a);
      this.jData.set((this.aData.value + this.bData.value) & 0xffff);
    });
  }
}
