import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Beat } from './beat.ts';
import { badParameter, driverOf, requireLanes, type ClockedOptions } from './params.ts';
import { StreamIn, StreamOut } from './stream.ts';

/**
 * Fork: lock-step broadcast of one stream to N branches (how x reaches both the main and the skip path).
 *
 * Ports: `clk`; `s` (StreamIn) and one StreamOut per branch, named after the branch (`<branch>_valid`,
 * `<branch>_ready`, `<branch>_data`); data buses of lanes x bits.
 * Parameters (`ForkOptions`): `branches` (a count >= 1, named b0..b<N-1>, or a list of names such as
 * ['main', 'skip']), `lanes`, `bits`.
 *
 * Combinational (no register, no storage):
 *   s_ready = AND of all branch readies;
 *   branch i valid = s_valid && AND of the other branches' readies;  branch i data = s_data.
 * So a beat transfers into every branch at the same rising edge or into none, exactly like the reference
 * LockstepFork (hw/hdlref/fork-join.ts) for N branches. A branch's valid depends on the other branches'
 * ready, so it can fall before its own transfer when another branch's ready falls: this is inherent to a
 * lock-step fork (use ProtocolChecker's `allowValidDrop` on branch streams).
 * Each rising edge only updates the counters.
 *
 * Latency 0; throughput 1 beat per cycle when every branch is ready; skipPathExtraSlots = 0 (no storage).
 * Counters: `beats` (edges with s_valid && s_ready), `stallCycles` (edges with s_valid && !s_ready),
 * `branchStallCycles[i]` (edges where s_valid was 1 and branch i was not ready; two branches not ready
 * at the same edge both count).
 */
export interface ForkOptions extends ClockedOptions {
  branches: number | readonly string[];
  lanes: number;
  bits: number;
}

export class Fork extends Module {
  /** The fork holds nothing: it adds no buffering to the skip path. */
  static readonly skipPathExtraSlots = 0;
  /** Combinational: a beat reaches the branches in the cycle it is offered. */
  static readonly latency = 0;
  readonly s: StreamIn<Beat | null>;
  readonly m: readonly StreamOut<Beat | null>[];
  readonly branchNames: readonly string[];
  beats = 0;
  stallCycles = 0;
  readonly branchStallCycles: number[];
  cycles = 0;

  private sValid!: Signal<number>;
  private sReady!: Signal<number>;
  private sData!: Signal<Beat | null>;
  private mValid!: Signal<number>[];
  private mReady!: Signal<number>[];
  private mData!: Signal<Beat | null>[];

  constructor(parent: Module, name: string, options: ForkOptions) {
    super(parent, name);
    const b = options.branches;
    const names = typeof b === 'number' ? Array.from({ length: b }, (_, i) => `b${i}`) : [...b];
    if (names.length < 1 || (typeof b === 'number' && !Number.isSafeInteger(b))) {
      throw badParameter(this.path, `branches must be a count >= 1 or a non-empty list of names, got ${JSON.stringify(b)}`);
    }
    if (new Set(names).size !== names.length || names.includes('s')) {
      throw badParameter(this.path, `branch names must be distinct and not 's', got ${names.join(', ')}`);
    }
    this.branchNames = names;
    const width = requireLanes(this.path, options.lanes, options.bits);
    const clk = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', width);
    this.m = names.map((n) => new StreamOut<Beat | null>(this, n, width));
    this.branchStallCycles = new Array<number>(names.length).fill(0);
    this.comb([this.s.valid, ...this.m.map((o) => o.ready)], () => this.handshake());
    this.comb([this.s.data], () => {
      const d = this.sData.value;
      for (const md of this.mData) md.set(d);
    });
    this.onRising(clk, this.edge);
  }

  /** A branch by name (or index). */
  branch(which: string | number): StreamOut<Beat | null> {
    const i = typeof which === 'number' ? which : this.branchNames.indexOf(which);
    const o = this.m[i];
    if (o === undefined) throw badParameter(this.path, `no branch ${which}; branches are ${this.branchNames.join(', ')}`);
    return o;
  }

  override endOfElaboration(): void {
    this.sValid = this.s.valid.sig;
    this.sReady = this.s.ready.sig;
    this.sData = this.s.data.sig;
    this.mValid = this.m.map((o) => o.valid.sig);
    this.mReady = this.m.map((o) => o.ready.sig);
    this.mData = this.m.map((o) => o.data.sig);
  }

  private handshake(): void {
    const r = this.mReady;
    const n = r.length;
    // Count the branches that are not ready: with none all see valid, with one only that one does.
    let notReady = 0;
    let culprit = -1;
    for (let i = 0; i < n; i++) {
      if (!r[i]!.value) {
        notReady++;
        culprit = i;
      }
    }
    const v = this.sValid.value;
    this.sReady.set(notReady === 0 ? 1 : 0);
    const mv = this.mValid;
    for (let i = 0; i < n; i++) {
      mv[i]!.set(v && (notReady === 0 || (notReady === 1 && culprit === i)) ? 1 : 0);
    }
  }

  private edge(): void {
    this.cycles++;
    if (!this.sValid.value) return;
    if (this.sReady.value) {
      this.beats++;
      this.progress();
      return;
    }
    this.stallCycles++;
    const r = this.mReady;
    for (let i = 0; i < r.length; i++) if (!r[i]!.value) this.branchStallCycles[i]!++;
  }

  override blockedOn(): string | null {
    if (!this.s.valid.sig.value) return `waiting for input from ${driverOf(this.s.valid.sig)}`;
    const waiting = this.m
      .map((o, i) => (o.ready.sig.value ? null : `${this.branchNames[i]} (${driverOf(o.ready.sig)})`))
      .filter((x) => x !== null);
    return waiting.length ? `waiting for branch ${waiting.join(' and ')} to be ready` : null;
  }
}
