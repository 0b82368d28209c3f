import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Beat } from './beat.ts';
import { badParameter, driverOf, driverPort, requireLanes, type ClockedOptions } from './params.ts';
import { StreamIn, StreamOut, type StreamSignals } from './stream.ts';

/**
 * SkipFifo: the FIFO that holds the skip path's beats until the join consumes them.
 *
 * Ports: `clk`; `s` (StreamIn: s_valid, s_ready, s_data) and `m` (StreamOut: m_valid, m_ready, m_data),
 * data buses of lanes x bits. Internal signal `occupancy` (32 bits, traced as an integer).
 *
 * Parameters (`SkipFifoOptions`): `depth` (an integer >= 1, or Infinity for the unbounded FIFO used to
 * measure a high-water mark), `lanes`, `bits`, `fwft` (first-word fall-through, default false).
 *
 * Registered mode (default). Each rising edge, with n = occupancy before the edge:
 *   push = s_valid && s_ready, pop = m_valid && m_ready (s_ready, m_valid are this FIFO's own registers);
 *   the pushed beat is appended, the head removed; then, from the new n:
 *   s_ready = (n != depth), m_valid = (n != 0), m_data = head (null when empty), occupancy = n.
 * Every output is a register: no combinational path crosses the FIFO.
 * Latency 1: a beat pushed at edge k is visible at m after edge k and can leave at edge k+1.
 * A full FIFO refuses a push even at an edge where it pops (s_ready is computed before the pop is known),
 * so depth 1 moves 1 beat per 2 cycles and depth >= 2 moves 1 beat per cycle.
 *
 * First-word fall-through (`fwft: true`) changes exactly this: while the FIFO is empty, m_valid = s_valid
 * and m_data = s_data combinationally (a bypass, latency 0): a beat arriving at an empty FIFO can leave at
 * the same edge it arrives without being stored, and is stored only if m_ready is 0 at that edge. When not
 * empty, m_valid/m_data show the head as in registered mode. s_ready stays a register (n != depth), so
 * there is still no combinational path from m_ready to s_ready, and a full FIFO still refuses a push at an
 * edge where it pops. Throughput with an always-ready consumer: 1 beat per cycle at any depth (the bypass
 * never fills the FIFO); with a stalling consumer, depth 1 behaves as in registered mode.
 *
 * Counters: `pushes`, `pops`, `fullStallCycles` (edges with s_valid && !s_ready: upstream blocked by a
 * full FIFO), `emptyStallCycles` (edges with m_ready && !m_valid: downstream waiting on an empty FIFO),
 * `highWater` (largest occupancy after any edge). Storage: a ring buffer of beat references allocated once
 * (for depth Infinity it starts at 16 slots and doubles when full); nothing is allocated per beat.
 */
export interface SkipFifoOptions extends ClockedOptions {
  depth: number;
  lanes: number;
  bits: number;
  fwft?: boolean;
}

export class SkipFifo extends Module {
  readonly s: StreamIn<Beat | null>;
  readonly m: StreamOut<Beat | null>;
  readonly occupancy: Signal<number>;
  readonly depth: number;
  readonly fwft: boolean;
  /** Beats of buffering this FIFO adds to the skip path (for deadlock sizing): its depth. */
  get skipPathSlots(): number {
    return this.depth;
  }
  pushes = 0;
  pops = 0;
  fullStallCycles = 0;
  emptyStallCycles = 0;
  highWater = 0;
  cycles = 0;

  private ring: (Beat | null)[];
  private mask: number; // capacity - 1 when capacity is a power of two (growable ring), else -1
  private rd = 0;
  private wr = 0;
  private n = 0;
  // Bound stream signals, fetched at elaboration: the edge process runs every cycle.
  private up!: StreamSignals<Beat | null>;
  private down!: StreamSignals<Beat | null>;

  constructor(parent: Module, name: string, options: SkipFifoOptions) {
    super(parent, name);
    const { depth } = options;
    if (!(depth === Infinity || (Number.isSafeInteger(depth) && depth >= 1))) {
      throw badParameter(this.path, `depth must be an integer >= 1 or Infinity, got ${depth}`);
    }
    this.depth = depth;
    this.fwft = options.fwft ?? false;
    const width = requireLanes(this.path, options.lanes, options.bits);
    const clk: In = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', width);
    this.m = new StreamOut<Beat | null>(this, 'm', width);
    this.occupancy = this.signal('occupancy', 32, { traceAs: 'integer' });
    const cap = depth === Infinity ? 16 : depth;
    this.ring = new Array<Beat | null>(cap).fill(null);
    this.mask = depth === Infinity ? cap - 1 : -1;
    // Values of the registers out of reset (time 0): empty, ready.
    this.comb([], () => this.up.ready.set(1));
    if (this.fwft) this.comb([this.s.valid, this.s.data], () => this.bypass());
    this.onRising(clk, this.edge);
  }

  override endOfElaboration(): void {
    this.up = this.s.signals();
    this.down = this.m.signals();
  }

  /** Cycles from push to visible at m: 1 registered, 0 with first-word fall-through through an empty FIFO. */
  get latency(): number {
    return this.fwft ? 0 : 1;
  }

  /** Occupancy after the last edge. */
  get count(): number {
    return this.n;
  }

  private edge(): void {
    this.cycles++;
    const sv = this.up.valid.value;
    const push = sv & this.up.ready.value;
    const mv = this.down.valid.value;
    const mr = this.down.ready.value;
    const pop = mv & mr;
    if (sv && !push) this.fullStallCycles++;
    if (mr && !mv) this.emptyStallCycles++;
    if (push === 0 && pop === 0) return;
    if (push) {
      if (this.n === this.ring.length) this.grow();
      this.ring[this.wr] = this.up.data.value;
      this.wr = this.next(this.wr);
      this.n++;
      this.pushes++;
    }
    if (pop) {
      this.ring[this.rd] = null; // drop the reference: the beat may be collected once consumed
      this.rd = this.next(this.rd);
      this.n--;
      this.pops++;
    }
    const n = this.n;
    if (n > this.highWater) this.highWater = n;
    this.progress();
    this.up.ready.set(n !== this.depth ? 1 : 0);
    this.occupancy.set(n);
    if (n !== 0) {
      this.down.valid.set(1);
      this.down.data.set(this.ring[this.rd]!);
    } else if (this.fwft) {
      this.bypass();
    } else {
      this.down.valid.set(0);
      this.down.data.set(null);
    }
  }

  /** FWFT while empty: the input shows through (re-run whenever s_valid or s_data changes). */
  private bypass(): void {
    if (this.n !== 0) return;
    const v = this.up.valid.value;
    this.down.valid.set(v);
    this.down.data.set(v ? this.up.data.value : null);
  }

  private next(i: number): number {
    if (this.mask >= 0) return (i + 1) & this.mask;
    return i + 1 === this.ring.length ? 0 : i + 1;
  }

  /** Unbounded FIFO: double the ring, keeping order (head moves to slot 0). */
  private grow(): void {
    const old = this.ring;
    const cap = old.length * 2;
    const ring = new Array<Beat | null>(cap).fill(null);
    for (let i = 0; i < this.n; i++) ring[i] = old[(this.rd + i) & this.mask]!;
    this.ring = ring;
    this.rd = 0;
    this.wr = this.n;
    this.mask = cap - 1;
  }

  override blockedOn(): string | null {
    const n = this.n;
    const of = `${n}/${this.depth}`;
    if (n === this.depth) {
      if (!this.m.ready.sig.value) return `full (${of}): waiting for ${driverOf(this.m.ready.sig)} to pop (its ${driverPort(this.m.ready.sig)} is 0)`;
      return null;
    }
    if (n === 0) return `empty (${of}): waiting for ${driverOf(this.s.valid.sig)} to push (its ${driverPort(this.s.valid.sig)} is 0)`;
    if (!this.m.ready.sig.value) return `holding ${of}: waiting for ${driverOf(this.m.ready.sig)} to pop`;
    return null;
  }
}
