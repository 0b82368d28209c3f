import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';

/** The clock and reset every reference-design module is bound to. */
export interface Clocking {
  clk: Signal;
  rst: Signal;
}

/** A module of the reference design: clk and a synchronous, active-high rst, bound at construction. */
export class Clocked extends Module {
  readonly clk: In;
  readonly rst: In;

  constructor(parent: Module, name: string, clocking: Clocking) {
    super(parent, name);
    this.clk = this.input('clk', 1).bind(clocking.clk);
    this.rst = this.input('rst', 1).bind(clocking.rst);
  }

  /** A rising-edge process; while rst is 1 it runs `reset` instead (registers load reset values). */
  protected always(reset: () => void, fn: () => void): void {
    const rst = this.rst.sig;
    this.onRising(this.clk, () => {
      if (rst.value) reset();
      else fn();
    });
  }
}
