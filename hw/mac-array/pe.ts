/**
 * Processing elements: one int8 x int8 multiplier and a 32-bit accumulator each, every state element a
 * register written on the rising edge from pre-edge values. int8 values travel as their 8-bit two's
 * complement pattern, 32-bit sums as their unsigned 32-bit pattern; the accumulator wraps modulo 2^32
 * like hardware (`>>> 0`), it does not saturate.
 */
import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';
import { CTL_DRAIN, CTL_FIRST, CTL_LOAD, CTL_MAC } from './sequencer.ts';

/** Signed value of an 8-bit pattern. */
export const s8 = (v: number): number => (v << 24) >> 24;
/** 8-bit pattern of an int8. */
export const u8 = (v: number): number => v & 0xff;

/** Ports every PE shares. */
abstract class Pe extends Module {
  readonly clk: In;
  readonly ctl: In;
  /** Operand from the left neighbour's `a` register, or the array's left-edge input. */
  readonly aIn: In;
  /** This PE's activation register, read by the right neighbour. */
  readonly a: Signal;
  protected ctlS!: Signal;
  protected aInS!: Signal;

  constructor(parent: Module, name: string, clk: Signal, ctl: Signal) {
    super(parent, name);
    this.clk = this.input('clk', 1).bind(clk);
    this.ctl = this.input('ctl', 3).bind(ctl);
    this.aIn = this.input('a_in', 8);
    this.a = this.signal('a', 8);
    this.onRising(this.clk, this.edge);
  }

  protected abstract edge(): void;

  override endOfElaboration(): void {
    this.ctlS = this.ctl.sig;
    this.aInS = this.aIn.sig;
  }
}

/**
 * Weight-stationary PE. LOAD: w <= w_in (weights shift down a column). MAC: a <= a_in and
 * p <= p_in + a_in * w (partial sums move down, activations right, one PE per edge).
 */
export class WsPe extends Pe {
  /** Weight from the PE above (or the top-edge weight input) during LOAD. */
  readonly wIn: In;
  /** Partial sum from the PE above (a constant 0 in row 0). */
  readonly pIn: In;
  readonly w: Signal;
  readonly p: Signal;
  private wInS!: Signal;
  private pInS!: Signal;

  constructor(parent: Module, name: string, clk: Signal, ctl: Signal) {
    super(parent, name, clk, ctl);
    this.wIn = this.input('w_in', 8);
    this.pIn = this.input('p_in', 32);
    this.w = this.signal('w', 8);
    this.p = this.signal('p', 32);
  }

  override endOfElaboration(): void {
    super.endOfElaboration();
    this.wInS = this.wIn.sig;
    this.pInS = this.pIn.sig;
  }

  protected edge(): void {
    const op = this.ctlS.value;
    if (op === CTL_MAC) {
      const a = this.aInS.value;
      this.a.set(a);
      this.p.set(((this.pInS.value | 0) + s8(a) * s8(this.w.value)) >>> 0);
    } else if (op === CTL_LOAD) {
      this.w.set(this.wInS.value);
    }
  }
}

/**
 * Output-stationary PE. MAC: a <= a_in, b <= b_in, acc <= acc + a_in * b_in. FIRST: the same, but the
 * accumulator restarts (acc <= a_in * b_in). DRAIN: acc <= acc_in (the PE above; 0 in row 0).
 * Operands left over from the previous fold need no flush: by the skew, a stale a and a live b (or the
 * reverse, or two stale ones) never reach the same PE on the same edge.
 */
export class OsPe extends Pe {
  readonly bIn: In;
  readonly accIn: In;
  readonly b: Signal;
  readonly acc: Signal;
  private bInS!: Signal;
  private accInS!: Signal;

  constructor(parent: Module, name: string, clk: Signal, ctl: Signal) {
    super(parent, name, clk, ctl);
    this.bIn = this.input('b_in', 8);
    this.accIn = this.input('acc_in', 32);
    this.b = this.signal('b', 8);
    this.acc = this.signal('acc', 32);
  }

  override endOfElaboration(): void {
    super.endOfElaboration();
    this.bInS = this.bIn.sig;
    this.accInS = this.accIn.sig;
  }

  protected edge(): void {
    const op = this.ctlS.value;
    if (op === CTL_MAC || op === CTL_FIRST) {
      const a = this.aInS.value;
      const b = this.bInS.value;
      this.a.set(a);
      this.b.set(b);
      this.acc.set(((op === CTL_FIRST ? 0 : this.acc.value | 0) + s8(a) * s8(b)) >>> 0);
    } else if (op === CTL_DRAIN) {
      this.acc.set(this.accInS.value);
    }
  }
}
