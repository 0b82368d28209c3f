import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { formatBeat, formatTag, sameTag, type Beat } from './beat.ts';
import { driverOf, driverPort, laneArray, requireInt, requireLanes, type ClockedOptions } from './params.ts';
import { StreamIn, StreamOut } from './stream.ts';

/**
 * Adder: the residual join. Adds the main path (input a, F(x)) and the skip path (input b, x) lane-wise
 * with saturation, then optionally applies ReLU (a ResNet block ends add -> ReLU).
 *
 * Ports: `clk`; `a`, `b` (StreamIn, lanes x inBits) and `m` (StreamOut, lanes x outBits).
 * Parameters (`AdderOptions`): `lanes`, `inBits` (default 8), `outBits` (default inBits), `relu`
 * (default false), `aName`/`bName` (labels for messages, default 'main path'/'skip path').
 *
 * Structure: a combinational join in front of one output register slot.
 *   slot_free = !m_valid || m_ready;  a_ready = b_valid && slot_free;  b_ready = a_valid && slot_free
 * (ready depends on the other side's valid, never valid on ready, as AXI-Stream allows). Each rising edge:
 * - if a_valid && b_valid && slot_free: both inputs are taken together, the output register loads
 *   lane[i] = clamp(a[i] + b[i]) to the signed outBits range, then max(0, .) when `relu`; tag and last come
 *   from a. In debug mode (both beats tagged) the tags must be equal (and `last` too), otherwise the
 *   simulation fails with CHECK_FAILED naming both tags and the cycle. In timing mode (lanes null) no
 *   arithmetic is done; the handshakes and cycles are the same. A beat with lanes on one side only fails.
 * - else if m_valid && m_ready: the register empties.
 *
 * Latency 1 (operands taken at edge k are at m after edge k); throughput 1 beat per cycle (the slot is
 * refilled at the edge that empties it). Storage: one output beat. skipPathExtraSlots = 0: the slot holds a
 * finished sum, never a skip operand waiting for its partner, so it adds no buffering to the skip path
 * (deadlock sizing counts only the FIFO between fork and join); it adds 1 cycle of latency after the join.
 *
 * Counters: `beats` (joins), `waitingForA` (edges with b_valid && !a_valid), `waitingForB` (a_valid &&
 * !b_valid), `outputStallCycles` (m_valid && !m_ready), `ops` (lane additions = lanes per join, counted in
 * timing mode too), `bytes` (per lane: two reads of ceil(inBits/8) bytes and one write of ceil(outBits/8)),
 * `arithmeticIntensity` = ops / bytes (1/3 op per byte for int8).
 */
export interface AdderOptions extends ClockedOptions {
  lanes: number;
  inBits?: number;
  outBits?: number;
  relu?: boolean;
  aName?: string;
  bName?: string;
}

export class Adder extends Module {
  /** The output slot holds results only: no skip-path buffering (see the header). */
  static readonly skipPathExtraSlots = 0;
  /** Cycles from operands taken to result visible. */
  static readonly latency = 1;
  readonly a: StreamIn<Beat | null>;
  readonly b: StreamIn<Beat | null>;
  readonly m: StreamOut<Beat | null>;
  readonly lanes: number;
  readonly inBits: number;
  readonly outBits: number;
  readonly relu: boolean;
  beats = 0;
  waitingForA = 0;
  waitingForB = 0;
  outputStallCycles = 0;
  ops = 0;
  bytes = 0;
  cycles = 0;

  private readonly lo: number;
  private readonly hi: number;
  private readonly bytesPerJoin: number;
  private readonly aName: string;
  private readonly bName: string;
  private failed = false;
  private aValid!: Signal<number>;
  private aReady!: Signal<number>;
  private aData!: Signal<Beat | null>;
  private bValid!: Signal<number>;
  private bReady!: Signal<number>;
  private bData!: Signal<Beat | null>;
  private mValid!: Signal<number>;
  private mReady!: Signal<number>;
  private mData!: Signal<Beat | null>;

  constructor(parent: Module, name: string, options: AdderOptions) {
    super(parent, name);
    this.lanes = options.lanes;
    this.inBits = options.inBits ?? 8;
    this.outBits = options.outBits ?? this.inBits;
    this.relu = options.relu ?? false;
    this.aName = options.aName ?? 'main path';
    this.bName = options.bName ?? 'skip path';
    const inWidth = requireLanes(this.path, this.lanes, this.inBits, 'in');
    requireInt(this.path, 'outBits', this.outBits, 2, 32);
    this.lo = -(2 ** (this.outBits - 1));
    this.hi = 2 ** (this.outBits - 1) - 1;
    this.bytesPerJoin = this.lanes * (2 * Math.ceil(this.inBits / 8) + Math.ceil(this.outBits / 8));
    const clk = this.input('clk', 1).bind(options.clk);
    this.a = new StreamIn<Beat | null>(this, 'a', inWidth);
    this.b = new StreamIn<Beat | null>(this, 'b', inWidth);
    this.m = new StreamOut<Beat | null>(this, 'm', this.lanes * this.outBits);
    this.comb([this.a.valid, this.b.valid, this.m.valid, this.m.ready], () => {
      const free = this.mValid.value === 0 || this.mReady.value === 1 ? 1 : 0;
      this.aReady.set(this.bValid.value & free);
      this.bReady.set(this.aValid.value & free);
    });
    this.onRising(clk, this.edge);
  }

  override endOfElaboration(): void {
    this.aValid = this.a.valid.sig;
    this.aReady = this.a.ready.sig;
    this.aData = this.a.data.sig;
    this.bValid = this.b.valid.sig;
    this.bReady = this.b.ready.sig;
    this.bData = this.b.data.sig;
    this.mValid = this.m.valid.sig;
    this.mReady = this.m.ready.sig;
    this.mData = this.m.data.sig;
  }

  /** Lane additions per byte moved. */
  get arithmeticIntensity(): number {
    return this.bytes === 0 ? 0 : this.ops / this.bytes;
  }

  private edge(): void {
    const cycle = ++this.cycles;
    const av = this.aValid.value;
    const bv = this.bValid.value;
    const mv = this.mValid.value;
    const mr = this.mReady.value;
    if (av !== bv) {
      if (av) this.waitingForB++;
      else this.waitingForA++;
    }
    if (mv && !mr) this.outputStallCycles++;
    if (av & this.aReady.value) {
      // a_ready = b_valid && slot_free, so both operands are taken at this edge.
      this.beats++;
      this.ops += this.lanes;
      this.bytes += this.bytesPerJoin;
      this.progress();
      this.mValid.set(1);
      this.mData.set(this.join(this.aData.value!, this.bData.value!, cycle));
    } else if (mv && mr) {
      this.mValid.set(0);
      this.mData.set(null);
    }
  }

  private join(a: Beat, b: Beat, cycle: number): Beat {
    if (a.tag !== null && b.tag !== null && !this.failed && (!sameTag(a.tag, b.tag) || a.last !== b.last)) {
      this.fail(cycle, `operands do not belong together: ${this.aName} (a) has ${formatTag(a.tag)}${a.last ? ' (last)' : ''} but ${this.bName} (b) has ${formatTag(b.tag)}${b.last ? ' (last)' : ''}`);
    }
    const al = a.lanes;
    const bl = b.lanes;
    if (al === null || bl === null) {
      if (al !== bl && !this.failed) {
        this.fail(cycle, `one operand carries lanes and the other does not (data vs timing mode): a ${formatBeat(a)}, b ${formatBeat(b)}`);
      }
      return { lanes: null, tag: a.tag, last: a.last };
    }
    const n = this.lanes;
    const out = laneArray(this.outBits, n);
    const lo = this.relu ? 0 : this.lo;
    const hi = this.hi;
    for (let i = 0; i < n; i++) {
      const s = al[i]! + bl[i]!;
      out[i] = s < lo ? lo : s > hi ? hi : s;
    }
    return { lanes: out, tag: a.tag, last: a.last };
  }

  private fail(cycle: number, detail: string): void {
    this.failed = true;
    this.sim.fail(
      new SimError({
        code: ErrorCodes.CHECK_FAILED,
        message: `${this.path}: at cycle ${cycle} ${detail}`,
        paths: [this.path, this.a.data.sig.path, this.b.data.sig.path],
        time: this.sim.time,
        hint: 'the main and skip paths are out of step: a beat was dropped, duplicated or reordered on one of them',
      }),
    );
  }

  override blockedOn(): string | null {
    const av = this.a.valid.sig.value;
    const bv = this.b.valid.sig.value;
    if (this.m.valid.sig.value && !this.m.ready.sig.value) {
      return `output full: waiting for ${driverOf(this.m.ready.sig)} to take the sum (its ${driverPort(this.m.ready.sig)} is 0)`;
    }
    if (av && !bv) return `waiting for ${this.bName} (input b, from ${driverOf(this.b.valid.sig)})`;
    if (bv && !av) return `waiting for ${this.aName} (input a, from ${driverOf(this.a.valid.sig)})`;
    if (!av && !bv) return `waiting for both inputs: ${this.aName} (input a) and ${this.bName} (input b)`;
    return null;
  }
}
