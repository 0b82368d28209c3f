import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Beat } from '../../hw/stream/beat.ts';
import { StreamIn } from '../../hw/stream/stream.ts';
import { makeRng } from '../stimulus/random.ts';
import type { Scoreboard } from './scoreboard.ts';
import { gapDecider, type Gaps } from './stream-driver.ts';

export interface StreamMonitorOptions {
  clk: Signal<number>;
  lanes: number;
  bits: number;
  /** Probability that a cycle is ready (default 1), or a schedule. */
  pReady?: Gaps;
  seed?: string | number;
  /** Compare every beat as it arrives; the first mismatch fails the simulation (CHECK_FAILED). */
  scoreboard?: Scoreboard;
}

/**
 * StreamMonitor: a testbench sink on its StreamIn `s` that records every beat it takes and the edge
 * number of the transfer. ready is a register: each rising edge k records the beat if valid && ready, then
 * draws one ready decision for cycle k+1 (seeded, one per cycle; the decision for cycle 1 at time 0).
 */
export class StreamMonitor extends Module {
  readonly s: StreamIn<Beat | null>;
  readonly seed: string;
  readonly beats: Beat[] = [];
  /** Edge number of each received beat. */
  readonly cyclesOf: number[] = [];
  cycles = 0;
  private readonly decide: (cycle: number) => boolean;
  private readonly scoreboard: Scoreboard | undefined;
  private valid!: Signal<number>;
  private ready!: Signal<number>;
  private data!: Signal<Beat | null>;

  constructor(parent: Module, name: string, options: StreamMonitorOptions) {
    super(parent, name);
    const rng = makeRng(options.seed ?? 2);
    this.seed = rng.seed;
    this.decide = gapDecider(options.pReady ?? 1, rng, `${this.path} pReady`);
    this.scoreboard = options.scoreboard;
    const clk = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', options.lanes * options.bits);
    this.comb([], () => this.ready.set(this.decide(1) ? 1 : 0));
    this.onRising(clk, this.edge);
  }

  override endOfElaboration(): void {
    this.valid = this.s.valid.sig;
    this.ready = this.s.ready.sig;
    this.data = this.s.data.sig;
  }

  get count(): number {
    return this.beats.length;
  }

  private edge(): void {
    const k = ++this.cycles;
    if (this.valid.value && this.ready.value) {
      const b = this.data.value!;
      this.beats.push(b);
      this.cyclesOf.push(k);
      this.progress();
      const sb = this.scoreboard;
      if (sb && sb.push(b) !== null && sb.mismatchCount === 1) {
        this.sim.fail(
          new SimError({
            code: ErrorCodes.CHECK_FAILED,
            message: `${this.path}: at cycle ${k} ${sb.mismatch!.message} (monitor seed ${this.seed})`,
            paths: [this.path, this.s.data.sig.path],
            time: this.sim.time,
            hint: 'replay with the same seeds to reproduce',
          }),
        );
      }
    }
    this.ready.set(this.decide(k + 1) ? 1 : 0);
  }
}
