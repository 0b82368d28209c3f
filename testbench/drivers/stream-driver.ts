import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Beat } from '../../hw/stream/beat.ts';
import { StreamOut } from '../../hw/stream/stream.ts';
import { makeRng, type Rng } from '../stimulus/random.ts';

/**
 * How often a driver offers (or a monitor accepts) a beat: a probability in (0, 1] drawn once per cycle
 * from `makeRng(seed)`, or an explicit schedule `(cycle) => boolean` for exact timing tests.
 */
export type Gaps = number | ((cycle: number) => boolean);

/** One decision per cycle: cycle 1 is the cycle before the first rising edge. */
export function gapDecider(gaps: Gaps, rng: Rng, what: string): (cycle: number) => boolean {
  if (typeof gaps === 'function') return gaps;
  if (!(gaps > 0 && gaps <= 1)) throw new RangeError(`${what}: probability must be in (0, 1], got ${gaps}`);
  if (gaps === 1) return () => true;
  return () => rng.bool(gaps);
}

export interface StreamDriverOptions {
  clk: Signal<number>;
  /** The beats to send, in order. */
  beats: readonly Beat[];
  lanes: number;
  bits: number;
  /** Probability that a cycle offers the next beat (default 1), or a schedule. */
  pValid?: Gaps;
  /** Seed of the gap pattern (default 1); printed by failing tests to replay them. */
  seed?: string | number;
}

/**
 * StreamDriver: a testbench source that sends a list of beats on its StreamOut `m`.
 *
 * valid and data are registers. Each rising edge k: if valid && ready the current beat was taken (its
 * edge is recorded in `sentCycles`); one gap decision is drawn for cycle k+1 (always exactly one per
 * cycle, so the pattern depends on the seed only); if the beat was offered and not taken it is held
 * (AXI-Stream: valid never waits for ready and never falls before the transfer); otherwise the next beat
 * is offered when the decision says so. The decision for cycle 1 is drawn at time 0.
 */
export class StreamDriver extends Module {
  readonly m: StreamOut<Beat | null>;
  readonly seed: string;
  /** Edge number at which each beat was taken. */
  readonly sentCycles: number[] = [];
  cycles = 0;
  private readonly beats: readonly Beat[];
  private readonly decide: (cycle: number) => boolean;
  private idx = 0;
  private valid!: Signal<number>;
  private ready!: Signal<number>;
  private data!: Signal<Beat | null>;

  constructor(parent: Module, name: string, options: StreamDriverOptions) {
    super(parent, name);
    this.beats = options.beats;
    const rng = makeRng(options.seed ?? 1);
    this.seed = rng.seed;
    this.decide = gapDecider(options.pValid ?? 1, rng, `${this.path} pValid`);
    const clk = this.input('clk', 1).bind(options.clk);
    this.m = new StreamOut<Beat | null>(this, 'm', options.lanes * options.bits);
    this.comb([], () => this.offer(this.decide(1)));
    this.onRising(clk, this.edge);
  }

  override endOfElaboration(): void {
    this.valid = this.m.valid.sig;
    this.ready = this.m.ready.sig;
    this.data = this.m.data.sig;
  }

  /** Beats taken so far. */
  get sent(): number {
    return this.idx;
  }

  get done(): boolean {
    return this.idx === this.beats.length;
  }

  private edge(): void {
    const k = ++this.cycles;
    const v = this.valid.value;
    const r = this.ready.value;
    const d = this.decide(k + 1);
    if (v && r) {
      this.idx++;
      this.sentCycles.push(k);
      this.progress();
    } else if (v) {
      return; // hold the beat until it is taken
    }
    this.offer(d);
  }

  private offer(d: boolean): void {
    const v = d && this.idx < this.beats.length;
    this.valid.set(v ? 1 : 0);
    this.data.set(v ? this.beats[this.idx]! : null);
  }

  override blockedOn(): string | null {
    if (this.m.valid.sig.value && !this.m.ready.sig.value) return `beat ${this.idx} of ${this.beats.length} offered, waiting for ready`;
    return null;
  }
}
