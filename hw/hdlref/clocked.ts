import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';

/** The clock and reset every reference-design module is bound to. */
export interface Clocking {
  clk: Signal;
  rst: Signal;
}

/**
 * A module of the reference design: clk and a synchronous, active-high rst, bound at construction.
 * Subclasses register a prototype method as their rising-edge process (`this.onRising(this.clk,
 * this.tick)`), which tests `rstSig` first: the kernel then runs all instances of a class in one loop.
 */
export class Clocked extends Module {
  /** The reset signal, cached at elaboration for the edge processes (declared first: hot fields lead). */
  protected rstSig!: Signal;
  readonly clk: In;
  readonly rst: In;

  constructor(parent: Module, name: string, clocking: Clocking) {
    super(parent, name);
    this.clk = this.input('clk', 1).bind(clocking.clk);
    this.rst = this.input('rst', 1).bind(clocking.rst);
  }

  override endOfElaboration(): void {
    this.rstSig = this.rst.sig;
  }
}
