import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { formatBeat, formatTag, type Beat, type Tag } from './beat.ts';
import { badParameter, laneArray, requireLanes, type ClockedOptions } from './params.ts';
import { StreamIn, StreamOut, type StreamSignals } from './stream.ts';

/**
 * WidthConverter: changes the number of lanes per beat by an integer ratio r.
 *
 * Ports: `clk`; `s` (StreamIn, inLanes x bits), `m` (StreamOut, outLanes x bits).
 * Parameters (`WidthConverterOptions`): `inLanes`, `outLanes`, `bits`. One must divide the other:
 * - split (inLanes = r * outLanes): each input beat leaves as r beats, lanes [i*out, (i+1)*out) in piece i;
 *   a tag's group g becomes r*g + i; `last` is set only on the final piece of a last input beat.
 *   Output lanes are views (subarray) of the input beat's lanes: beats are immutable, nothing is copied.
 * - pack (outLanes = r * inLanes): r consecutive input beats form one output beat (piece i in lanes
 *   [i*in, (i+1)*in)); the tag is the first piece's with group g / r; `last` is the final piece's.
 *   In debug mode (tagged beats) the pieces must be groups r*G, r*G+1, ... of one pixel and only the final
 *   piece may carry `last`; otherwise the simulation fails with CHECK_FAILED naming both tags and the cycle.
 * - r = 1: a plain register slice.
 *
 * Split, each rising edge: if m_valid && m_ready the current piece leaves (after the r-th piece the input
 * beat is done); if s_valid && s_ready a new input beat is loaded and its piece 0 shown. Output registers:
 * m_valid, m_data. s_ready = !m_valid || (showing the last piece && m_ready): combinational in m_ready, so
 * the next input beat is taken at the edge the last piece leaves.
 * Latency 1 (input taken at edge k, piece 0 at m after edge k). Throughput: 1 output beat per cycle, i.e.
 * 1 input beat per r cycles.
 *
 * Pack, each rising edge: if m_valid && m_ready the output register empties; if s_valid && s_ready the
 * piece is stored; the r-th piece moves the word into the output register. s_ready = (not the r-th piece)
 * || !m_valid || m_ready: pieces 0..r-2 are taken even while the previous word waits at m.
 * Latency 1 from the r-th piece (r cycles from the first piece at full rate). Throughput: 1 input beat per
 * cycle, i.e. 1 output beat per r cycles. Storage: one partial word plus one output word.
 *
 * Counters: `inBeats`, `outBeats`, `inputStallCycles` (s_valid && !s_ready), `outputStallCycles`
 * (m_valid && !m_ready).
 */
export interface WidthConverterOptions extends ClockedOptions {
  inLanes: number;
  outLanes: number;
  bits: number;
}

export class WidthConverter extends Module {
  readonly s: StreamIn<Beat | null>;
  readonly m: StreamOut<Beat | null>;
  readonly mode: 'split' | 'pack';
  readonly ratio: number;
  inBeats = 0;
  outBeats = 0;
  inputStallCycles = 0;
  outputStallCycles = 0;
  cycles = 0;

  private readonly inLanes: number;
  private readonly outLanes: number;
  private readonly bits: number;
  /** 1 when the next s transfer needs the output register: the last piece (split), the r-th piece (pack). */
  private readonly atLast: Signal<number>;
  // split state
  private cur: Beat | null = null;
  private piece = 0;
  // pack state
  private acc: Int8Array | Int32Array | null = null;
  private first: Beat | null = null;
  private prev: Beat | null = null;
  private count = 0;
  private failed = false;

  // Bound stream signals, fetched at elaboration: the edge process runs every cycle.
  private up!: StreamSignals<Beat | null>;
  private down!: StreamSignals<Beat | null>;

  constructor(parent: Module, name: string, options: WidthConverterOptions) {
    super(parent, name);
    const { inLanes, outLanes, bits } = options;
    const inWidth = requireLanes(this.path, inLanes, bits, 'in');
    const outWidth = requireLanes(this.path, outLanes, bits, 'out');
    if (inLanes % outLanes !== 0 && outLanes % inLanes !== 0) {
      throw badParameter(this.path, `inLanes ${inLanes} and outLanes ${outLanes} must be integer multiples of each other`);
    }
    this.inLanes = inLanes;
    this.outLanes = outLanes;
    this.bits = bits;
    this.mode = inLanes >= outLanes ? 'split' : 'pack';
    this.ratio = this.mode === 'split' ? inLanes / outLanes : outLanes / inLanes;
    const clk = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', inWidth);
    this.m = new StreamOut<Beat | null>(this, 'm', outWidth);
    // Split starts with no beat (atLast 0); pack with r = 1 starts at its last piece.
    this.atLast = this.signal('at_last', 1, { init: this.mode === 'pack' && this.ratio === 1 ? 1 : 0 });
    if (this.mode === 'split') {
      this.comb([this.m.valid, this.m.ready, this.atLast], () => {
        this.up.ready.set(this.down.valid.value === 0 || (this.atLast.value & this.down.ready.value) ? 1 : 0);
      });
      this.onRising(clk, this.splitEdge);
    } else {
      this.comb([this.m.valid, this.m.ready, this.atLast], () => {
        this.up.ready.set(this.atLast.value === 0 || this.down.valid.value === 0 || this.down.ready.value === 1 ? 1 : 0);
      });
      this.onRising(clk, this.packEdge);
    }
  }

  override endOfElaboration(): void {
    this.up = this.s.signals();
    this.down = this.m.signals();
  }

  /** Cycles from a beat taken at s to the first resulting beat at m (from the r-th piece when packing). */
  get latency(): number {
    return 1;
  }

  private count0(sFire: number, mFire: number): void {
    if (this.up.valid.value && !sFire) this.inputStallCycles++;
    if (this.down.valid.value && !this.down.ready.value) this.outputStallCycles++;
    if (sFire) this.inBeats++;
    if (mFire) this.outBeats++;
    if (sFire || mFire) this.progress();
  }

  private splitEdge(): void {
    this.cycles++;
    const sFire = this.up.valid.value & this.up.ready.value;
    const mFire = this.down.valid.value & this.down.ready.value;
    this.count0(sFire, mFire);
    if (!sFire && !mFire) return;
    if (mFire && ++this.piece === this.ratio) this.cur = null;
    if (sFire) {
      this.cur = this.up.data.value;
      this.piece = 0;
    }
    const cur = this.cur;
    if (cur === null) {
      this.down.valid.set(0);
      this.down.data.set(null);
      this.atLast.set(0);
      return;
    }
    const i = this.piece;
    const r = this.ratio;
    const k = this.outLanes;
    const t = cur.tag;
    const tag: Tag | null = t === null || r === 1 ? t : { frame: t.frame, y: t.y, x: t.x, group: t.group * r + i };
    const lanes = cur.lanes === null ? null : r === 1 ? cur.lanes : cur.lanes.subarray(i * k, i * k + k);
    this.down.valid.set(1);
    this.down.data.set(r === 1 ? cur : { lanes, tag, last: cur.last && i === r - 1 });
    this.atLast.set(i === r - 1 ? 1 : 0);
  }

  private packEdge(): void {
    const cycle = ++this.cycles;
    const sFire = this.up.valid.value & this.up.ready.value;
    const mFire = this.down.valid.value & this.down.ready.value;
    this.count0(sFire, mFire);
    if (!sFire && !mFire) return;
    let out: Beat | null = null;
    if (sFire) {
      const b = this.up.data.value!;
      const r = this.ratio;
      const i = this.count;
      if (i === 0) {
        this.first = b;
        this.acc = b.lanes === null ? null : laneArray(this.bits, this.outLanes);
      } else {
        this.checkPiece(b, i, cycle);
      }
      if (b.lanes !== null && this.acc !== null) this.acc.set(b.lanes, i * this.inLanes);
      else if ((b.lanes === null) !== (this.acc === null)) this.fail(cycle, `pieces of one word mix data and timing mode: ${formatBeat(this.first)} then ${formatBeat(b)}`);
      if (i + 1 === r) {
        const t = this.first!.tag;
        const tag = t === null || r === 1 ? t : { frame: t.frame, y: t.y, x: t.x, group: Math.floor(t.group / r) };
        out = r === 1 ? b : { lanes: this.acc, tag, last: b.last };
        this.count = 0;
        this.first = this.prev = this.acc = null;
      } else {
        if (b.last) this.fail(cycle, `beat ${formatBeat(b)} carries last but is piece ${i} of ${r} of an output word: the frame ends mid-word`);
        this.count = i + 1;
        this.prev = b;
      }
      this.atLast.set(this.count === r - 1 ? 1 : 0);
    }
    if (out !== null) {
      this.down.valid.set(1);
      this.down.data.set(out);
    } else if (mFire) {
      this.down.valid.set(0);
      this.down.data.set(null);
    }
  }

  /** Debug mode: piece i must be the next channel group of the same pixel as the previous piece. */
  private checkPiece(b: Beat, i: number, cycle: number): void {
    const p = this.prev ?? this.first!;
    const f = this.first!;
    if (b.tag === null || p.tag === null) return;
    const t = b.tag;
    const q = p.tag;
    if (t.frame !== q.frame || t.y !== q.y || t.x !== q.x || t.group !== q.group + 1 || f.tag!.group % this.ratio !== 0) {
      this.fail(cycle, `piece ${i} of an output word has ${formatTag(t)} after ${formatTag(q)}; expected group ${q.group + 1} of the same pixel, in words starting at a group that is a multiple of ${this.ratio}`);
    }
  }

  private fail(cycle: number, detail: string): void {
    if (this.failed) return;
    this.failed = true;
    this.sim.fail(
      new SimError({
        code: ErrorCodes.CHECK_FAILED,
        message: `${this.path}: at cycle ${cycle} ${detail}`,
        paths: [this.path, this.s.data.sig.path],
        time: this.sim.time,
        hint: 'packing needs channel groups per pixel to be a multiple of the ratio, in order',
      }),
    );
  }
}
