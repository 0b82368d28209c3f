/**
 * ConvEngine: a streaming KxK convolution (line buffer + folded MAC engine + requantiser) on valid/ready
 * streams, FINN MVAU-like. One clocked process; every output is a register computed at the edge.
 *
 * Cycle model (docs/components-conv.md has the full statement and a timing diagram). Per rising edge, with
 * the values from before the edge:
 *   1. input:   s_valid & s_ready  -> the beat is written into the line buffer;
 *   2. output:  m_valid & m_ready  -> the output register empties;
 *   3. MAC:     a beat in progress does one MAC cycle; after SF = K*K*IG of them it is finished, and if it
 *               was the pixel's last channel group (NF = ceil(Cout/PE) groups) the line buffer releases
 *               every input pixel before releasePixel(y, x);
 *   4. handover: a finished beat moves into the output register if that is empty (after step 2);
 *   5. start:   an idle engine starts the next output beat (y, x, g) once the line buffer has received the
 *               whole input pixel needPixel(y, x) (counting a beat accepted in step 1);
 *   6. s_ready := nextInputPixel < oldestLivePixel + CAP;  m_valid := output register full.
 * Data mode computes the beat's lanes when it finishes (the window cannot be overwritten while it computes);
 * timing mode does no arithmetic and moves lane-less beats with the same handshakes and cycles.
 */
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';
import { formatTag, type Beat, type Tag } from '../stream/beat.ts';
import type { ClockedOptions } from '../stream/params.ts';
import { StreamIn, StreamOut, type StreamSignals } from '../stream/stream.ts';
import { convGeometry, releasePixel, type ConvGeometry, type ConvShape } from './geometry.ts';
import { LineBuffer } from './line-buffer.ts';
import { checkRequantParams, requantizeHw } from './requant.ts';

export type ConvMode = 'data' | 'timing';

/** int8 weights in the [kh][kw][cin][cout] layout (testbench/ref's ConvWeights has this shape). */
export interface ConvWeightsLike {
  readonly kh: number;
  readonly kw: number;
  readonly cin: number;
  readonly cout: number;
  readonly data: Int8Array;
}

/** `clk` is the clock whose rising edges run the engine (cycles 1, 2, 3, ...). */
export interface ConvEngineOptions extends ConvShape, ClockedOptions {
  /** 'data' (int8 lanes, bit-exact) or 'timing' (lanes null, no arithmetic). Default: data iff weights given. */
  mode?: ConvMode;
  /** Data mode: int8 weights, layout [kh][kw][cin][cout] as in testbench/ref. */
  weights?: ConvWeightsLike;
  /** Data mode: one int32 per output channel; zeros when omitted. */
  bias?: Int32Array;
  /** Requantise the int32 accumulator to int8: clamp(round_half_away(acc*scale / 2^shift)). */
  quant?: { scale: number; shift: number };
  /** ReLU after requantisation (or on the int32 accumulator when there is no quant). */
  relu?: boolean;
  /** Output lane width: 8 with quant, else 32 (int32 accumulators). Timing mode may pick either. */
  outputBits?: 8 | 32;
  /** Tag output beats with {frame, y, x, group} (debug mode). Default true. */
  tags?: boolean;
  /** Check the tag of every tagged input beat against the expected stream position. Default true. */
  checkInputTags?: boolean;
}

/** Counter snapshot. All counts are in rising edges (cycles) of the engine's clock. */
export interface ConvCounters {
  cycles: number;
  inBeats: number;
  outBeats: number;
  /** Cycles in which a MAC cycle completed. */
  busyCycles: number;
  /** busyCycles * SIMD * PE: multiplier slots the array spent, padding lanes and padding taps included. */
  macSlots: number;
  /** Useful MACs: taps inside the image x Cin x real output channels. */
  macs: number;
  /** Cycles the engine was idle because the input its next window needs had not arrived. */
  inputStallCycles: number;
  /** Cycles with m_valid high and m_ready low (downstream not ready). */
  outputStallCycles: number;
  /** Cycles a finished beat waited for the output register (backpressure reached the MAC array). */
  computeBlockedCycles: number;
  /** Largest number of live pixels held by the line buffer. */
  lineBufferHighWater: number;
  /** busyCycles / cycles. */
  utilisation: number;
  /** macs / macSlots: the share of the array's multiplier slots that did useful work. */
  macEfficiency: number;
}

export class ConvEngine extends Module {
  readonly s: StreamIn<Beat | null>;
  readonly m: StreamOut<Beat | null>;
  readonly clk: In<number>;
  readonly geometry: ConvGeometry;
  readonly lineBuffer: LineBuffer;
  readonly mode: ConvMode;
  readonly outputBits: 8 | 32;
  /** Live pixels in the line buffer after each edge, traced as an integer. */
  readonly lbFill: Signal<number>;
  /** 1 while an output beat is being computed. */
  readonly busy: Signal<number>;

  cycles = 0;
  inBeats = 0;
  outBeats = 0;
  busyCycles = 0;
  macs = 0;
  inputStallCycles = 0;
  outputStallCycles = 0;
  computeBlockedCycles = 0;

  // Hot-path copies of the geometry.
  private readonly sf: number;
  private readonly nf: number;
  private readonly hw: number;
  private readonly cap: number;
  private readonly needRow: Int32Array;
  private readonly needCol: Int32Array;
  // Engine pointer: the output beat being computed, or the next one to compute.
  private frame = 0;
  private frameBase = 0;
  private oy = 0;
  private ox = 0;
  private og = 0;
  /** Global index of the input pixel the current beat's window needs last. */
  private needPix = 0;
  /** MAC cycles left of the current beat; 0 when idle. */
  private left = 0;
  private done: Beat | null = null;
  private outFull = 0;
  private sReadyReg = 0;
  private busyReg = 0;
  private fillReg = 0;
  // Bound stream signals, fetched at elaboration: the edge process runs every cycle.
  private up!: StreamSignals<Beat | null>;
  private down!: StreamSignals<Beat | null>;

  private readonly tags: boolean;
  private readonly checkTags: boolean;
  private readonly weights: Int8Array | null;
  private readonly bias: Int32Array | null;
  private readonly quant: { scale: number; shift: number } | null;
  private readonly relu: boolean;
  /** Timing mode without tags: two constant beats, so no allocation at all. */
  private readonly plainBeat: Beat = { lanes: null, tag: null, last: false };
  private readonly plainLastBeat: Beat = { lanes: null, tag: null, last: true };

  constructor(parent: Module, name: string, options: ConvEngineOptions) {
    super(parent, name);
    const g = convGeometry(options, this.path);
    this.geometry = g;
    this.mode = options.mode ?? (options.weights ? 'data' : 'timing');
    if (this.mode !== 'data' && this.mode !== 'timing') this.bad(`mode must be 'data' or 'timing', got ${String(this.mode)}`);
    this.relu = options.relu ?? false;
    this.tags = options.tags ?? true;
    this.checkTags = options.checkInputTags ?? true;
    const quant = options.quant ?? null;
    if (quant !== null) {
      const problem = checkRequantParams(quant.scale, quant.shift);
      if (problem) this.bad(problem);
    }
    this.quant = quant;
    this.outputBits = options.outputBits ?? (quant ? 8 : 32);
    if (this.outputBits !== 8 && this.outputBits !== 32) this.bad(`outputBits must be 8 or 32, got ${String(this.outputBits)}`);
    if (this.mode === 'data') {
      const w = options.weights;
      if (!w) this.bad('data mode needs weights (layout [kh][kw][cin][cout]); pass mode: "timing" for a timing-only model');
      if (w.kh !== g.k || w.kw !== g.k) this.bad(`weights must be ${g.k}x${g.k} (k), got ${w.kh}x${w.kw}`);
      if (w.cin !== g.cin) this.bad(`weights.cin must equal cin = ${g.cin}, got ${w.cin}`);
      if (w.cout !== g.cout) this.bad(`weights.cout must equal cout = ${g.cout}, got ${w.cout}`);
      if (!(w.data instanceof Int8Array) || w.data.length !== g.k * g.k * g.cin * g.cout) {
        this.bad(`weights.data must be an Int8Array of k*k*cin*cout = ${g.k * g.k * g.cin * g.cout} values`);
      }
      if (options.bias !== undefined && (!(options.bias instanceof Int32Array) || options.bias.length !== g.cout)) {
        this.bad(`bias must be an Int32Array of cout = ${g.cout} values`);
      }
      if (quant && this.outputBits !== 8) this.bad('outputBits must be 8 when quant is given (requantisation gives int8)');
      if (!quant && this.outputBits !== 32) this.bad('outputBits 8 needs quant {scale, shift}: without it the outputs are int32 accumulators');
      this.weights = w.data;
      this.bias = options.bias ?? null;
    } else {
      this.weights = null;
      this.bias = null;
    }
    this.lineBuffer = new LineBuffer(g, this.mode === 'data');
    this.sf = g.macCyclesPerBeat;
    this.nf = g.outGroups;
    this.hw = g.h * g.w;
    this.cap = g.lineBufferPixels;
    this.needRow = g.needRow;
    this.needCol = g.needCol;
    this.needPix = this.needRow[0]! * g.w + this.needCol[0]!;

    this.clk = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', g.simd * 8);
    this.m = new StreamOut<Beat | null>(this, 'm', g.pe * this.outputBits);
    this.lbFill = this.signal('lb_fill', 32, { traceAs: 'integer' });
    this.busy = this.signal('busy', 1);
    // Reset values, applied at time 0 (no reset port: a new run is a new simulation).
    this.comb([], () => this.reset());
    this.onRising(this.clk, this.edge);
  }

  /** Snapshot of the counters. */
  counters(): ConvCounters {
    const g = this.geometry;
    const macSlots = this.busyCycles * g.simd * g.pe;
    return {
      cycles: this.cycles,
      inBeats: this.inBeats,
      outBeats: this.outBeats,
      busyCycles: this.busyCycles,
      macSlots,
      macs: this.macs,
      inputStallCycles: this.inputStallCycles,
      outputStallCycles: this.outputStallCycles,
      computeBlockedCycles: this.computeBlockedCycles,
      lineBufferHighWater: this.lineBuffer.highWater,
      utilisation: this.cycles === 0 ? 0 : this.busyCycles / this.cycles,
      macEfficiency: macSlots === 0 ? 0 : this.macs / macSlots,
    };
  }

  override blockedOn(): string | null {
    const g = this.geometry;
    const lb = this.lineBuffer;
    const where = `output (frame ${this.frame}, y ${this.oy}, x ${this.ox}, group ${this.og})`;
    if (this.done !== null) {
      return `output not ready: ${where} is finished and waits for the output register (m_ready low)`;
    }
    if (this.left > 0 || lb.nextPixel > this.needPix) return null;
    const need = this.needPix - this.frameBase;
    const needY = Math.floor(need / g.w);
    const needX = need % g.w;
    // What has arrived of the current frame, as full rows plus pixels of the next row.
    const have = lb.nextPixel - this.frameBase;
    let got: string;
    if (have <= 0) got = 'no input of this frame yet';
    else {
      const rows = Math.floor(have / g.w);
      const extra = have % g.w;
      got = rows > 0 ? `have rows 0..${rows - 1}` : 'have no full row';
      if (extra > 0) got += ` and ${extra} pixel${extra > 1 ? 's' : ''} of row ${rows}`;
    }
    const room = this.sReadyReg ? 'input ready' : `line buffer full (${lb.fill}/${this.cap} pixels)`;
    return `waiting for input row ${needY} (pixel x ${needX}, frame ${this.frame}) for ${where}; ${got}; ${room}`;
  }

  private bad(message: string): never {
    throw new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `${this.path}: ${message}`, paths: [this.path] });
  }

  override endOfElaboration(): void {
    this.up = this.s.signals();
    this.down = this.m.signals();
  }

  private reset(): void {
    this.sReadyReg = this.lineBuffer.canAccept() ? 1 : 0;
    this.up.ready.set(this.sReadyReg);
    this.down.valid.set(0);
  }

  private edge(): void {
    this.cycles++;
    const lb = this.lineBuffer;
    // 1. input transfer
    if (this.sReadyReg === 1 && this.up.valid.value === 1) {
      this.accept(this.up.data.value);
      this.inBeats++;
      this.sim.progressCount++;
    }
    // 2. output transfer
    if (this.outFull === 1) {
      if (this.down.ready.value === 1) {
        this.outFull = 0;
        this.outBeats++;
        this.sim.progressCount++;
      } else {
        this.outputStallCycles++;
      }
    }
    // 3. one MAC cycle
    if (this.left > 0) {
      this.busyCycles++;
      this.sim.progressCount++;
      if (--this.left === 0) this.finish();
    }
    // 4. handover to the output register
    if (this.done !== null) {
      if (this.outFull === 0) {
        this.down.data.set(this.done);
        this.outFull = 1;
        this.done = null;
      } else {
        this.computeBlockedCycles++;
      }
    }
    // 5. start the next output beat once its window has arrived
    if (this.left === 0 && this.done === null) {
      if (lb.nextPixel > this.needPix) this.left = this.sf;
      else this.inputStallCycles++;
    }
    // 6. registered outputs
    const ready = lb.nextPixel < lb.oldest + this.cap ? 1 : 0;
    if (ready !== this.sReadyReg) {
      this.sReadyReg = ready;
      this.up.ready.set(ready);
    }
    if (this.down.valid.value !== this.outFull) this.down.valid.set(this.outFull);
    const busy = this.left > 0 ? 1 : 0;
    if (busy !== this.busyReg) {
      this.busyReg = busy;
      this.busy.set(busy);
    }
    const fill = lb.fill;
    if (fill !== this.fillReg) {
      this.fillReg = fill;
      this.lbFill.set(fill);
    }
  }

  private accept(beat: Beat | null): void {
    const lb = this.lineBuffer;
    if (beat === null) this.fail('s_data is null during a transfer (s_valid high with no beat)');
    if (this.checkTags && beat.tag !== null) {
      const t = beat.tag;
      const q = lb.nextPixel;
      const frame = Math.floor(q / this.hw);
      const r = q - frame * this.hw;
      const w = this.geometry.w;
      const y = Math.floor(r / w);
      const x = r - y * w;
      if (t.frame !== frame || t.y !== y || t.x !== x || t.group !== lb.nextGroup) {
        const expected: Tag = { frame, y, x, group: lb.nextGroup };
        this.fail(`input beat out of order: expected ${formatTag(expected)}, got ${formatTag(t)}`);
      }
    }
    if (this.mode === 'data') {
      const lanes = beat.lanes;
      if (lanes === null) this.fail('a timing-mode beat (lanes null) reached a data-mode conv');
      if (lanes.length !== this.geometry.simd) this.fail(`input beat has ${lanes.length} lanes, expected simd = ${this.geometry.simd}`);
      if (!(lanes instanceof Int8Array)) {
        for (let i = 0; i < lanes.length; i++) {
          const v = lanes[i]!;
          if (v < -128 || v > 127) this.fail(`input lane ${i} holds ${v}, outside int8`);
        }
      }
      lb.write(lanes);
    } else {
      lb.write(null);
    }
  }

  /** The current beat's last MAC cycle completed: produce it and advance the pointer. */
  private finish(): void {
    const g = this.geometry;
    const oy = this.oy;
    const ox = this.ox;
    const og = this.og;
    const last = og === this.nf - 1 && ox === g.wOut - 1 && oy === g.hOut - 1;
    const lanes = this.mode === 'data' ? this.compute(oy, ox, og) : null;
    const taps = (g.needRow[oy]! - g.oldRow[oy]! + 1) * (g.needCol[ox]! - g.oldCol[ox]! + 1);
    this.macs += taps * g.cin * Math.min(g.pe, g.cout - og * g.pe);
    if (this.tags) {
      this.done = { lanes, tag: { frame: this.frame, y: oy, x: ox, group: og }, last };
    } else if (lanes !== null) {
      this.done = { lanes, tag: null, last };
    } else {
      this.done = last ? this.plainLastBeat : this.plainBeat;
    }
    // Advance to the next output beat; after a pixel's last group, release its window.
    if (og + 1 < this.nf) {
      this.og = og + 1;
      return;
    }
    this.og = 0;
    this.lineBuffer.release(this.frameBase + releasePixel(g, oy, ox));
    if (ox + 1 < g.wOut) {
      this.ox = ox + 1;
    } else {
      this.ox = 0;
      if (oy + 1 < g.hOut) {
        this.oy = oy + 1;
      } else {
        this.oy = 0;
        this.frame++;
        this.frameBase += this.hw;
      }
    }
    this.needPix = this.frameBase + this.needRow[this.oy]! * g.w + this.needCol[this.ox]!;
  }

  /** Data mode: the PE output lanes of beat (oy, ox, og), from the window in the line buffer. */
  private compute(oy: number, ox: number, og: number): Int8Array | Int32Array {
    const g = this.geometry;
    const lb = this.lineBuffer;
    const store = lb.store!;
    const w = this.weights!;
    const pe = g.pe;
    const cin = g.cin;
    const cout = g.cout;
    const coBase = og * pe;
    const n = Math.min(pe, cout - coBase);
    const acc = new Int32Array(pe);
    if (this.bias !== null) for (let p = 0; p < n; p++) acc[p] = this.bias[coBase + p]!;
    const top = oy * g.stride - g.pad;
    const left = ox * g.stride - g.pad;
    for (let iy = g.oldRow[oy]!; iy <= g.needRow[oy]!; iy++) {
      const ky = iy - top;
      for (let ix = g.oldCol[ox]!; ix <= g.needCol[ox]!; ix++) {
        const kx = ix - left;
        const base = lb.slotBase(this.frameBase + iy * g.w + ix);
        const wTap = (ky * g.k + kx) * cin * cout + coBase;
        for (let ci = 0; ci < cin; ci++) {
          const x = store[base + ci]!;
          if (x === 0) continue;
          const wRow = wTap + ci * cout;
          // Int32Array stores wrap modulo 2^32, as a 32-bit accumulator does.
          for (let p = 0; p < n; p++) acc[p] = acc[p]! + x * w[wRow + p]!;
        }
      }
    }
    const out = this.outputBits === 8 ? new Int8Array(pe) : new Int32Array(pe);
    const q = this.quant;
    for (let p = 0; p < n; p++) {
      let v = acc[p]!;
      if (q !== null) v = requantizeHw(v, q.scale, q.shift);
      if (this.relu && v < 0) v = 0;
      out[p] = v;
    }
    return out;
  }

  private fail(message: string): never {
    throw new SimError({
      code: ErrorCodes.CHECK_FAILED,
      message: `${this.path}: ${message}`,
      paths: [this.path],
      time: this.sim.time,
      hint: `cycle ${this.cycles}; inputs stream in raster order, ceil(cin/simd) beats per pixel, group 0 first`,
    });
  }
}
