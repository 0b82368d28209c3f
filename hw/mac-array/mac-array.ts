/**
 * MacArray: a rows x cols grid of int8 MACs with 32-bit accumulators, weight-stationary (ws) or
 * output-stationary (os), with its controller, operand fetch unit (skewed edge inputs) and write-back.
 *
 * Per rising edge the array module, reading pre-edge values, (1) writes back the outputs of the op the
 * PEs executed at the previous edge, (2) counts the op the PEs execute at this edge, (3) issues the next
 * op: drives `ctl` and the left/top edge registers, counting SRAM reads. So a job takes one issue edge,
 * `cycles` busy edges, and one write-back edge; a pipelined controller would overlap the first and last
 * with neighbouring jobs, so only the busy edges are reported.
 *
 * Modes: `data` builds the PE grid (WsPe/OsPe, real registers, real values); `timing` builds no PEs and
 * runs the same controller, so cycles, phases, MACs and SRAM counts are identical but far cheaper.
 */
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { In } from '../../sim/port.ts';
import type { Signal } from '../../sim/signal.ts';
import { foldsOf, PHASES, type Fold, type PhaseCycles } from './folds.ts';
import { aAddress, checkConfig, checkLayer, checkOperands, gemmOf, type ArrayConfig, type Gemm, type MacLayer, type MacOperands } from './layer.ts';
import { OsPe, u8, WsPe } from './pe.ts';
import { readBytes, writeBytes, type MacArrayReport, type SramReads, type SramWrites } from './report.ts';
import { CTL_DRAIN, CTL_LOAD, CTL_NOP, Op, Sequencer } from './sequencer.ts';

export type MacArrayMode = 'data' | 'timing';

export interface MacArrayOptions extends ArrayConfig {
  clk: Signal;
  /** Default 'timing'. */
  mode?: MacArrayMode;
}

export interface MacArrayResult extends MacArrayReport {
  /** data mode: C (M x N int32, row-major) = the conv's NHWC output. */
  output?: Int32Array;
}

interface Job {
  layer: MacLayer;
  g: Gemm;
  folds: Fold[];
  seq: Sequencer;
  aAddr: (m: number, k: number) => number;
  ops?: MacOperands;
  out?: Int32Array;
}

export class MacArray extends Module {
  readonly clk: In;
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: ArrayConfig['dataflow'];
  readonly mode: MacArrayMode;
  /** Control code broadcast to the PEs (CTL_* in sequencer.ts). */
  readonly ctl: Signal;
  readonly busy: Signal;
  /** Busy edges so far in this job; the fold and phase (index into PHASES) being executed; MACs this edge. */
  readonly cycle: Signal;
  readonly fold: Signal;
  readonly phase: Signal;
  readonly active: Signal;
  /** data mode: left-edge activation inputs (one per row) and top-edge weight/B inputs (one per column). */
  readonly left: Signal[] = [];
  readonly top: Signal[] = [];
  readonly pes: (WsPe | OsPe)[][] = [];

  private pending: { layer: MacLayer; ops?: MacOperands } | null = null;
  private job: Job | null = null;
  private done = false;
  private readonly exec = new Op();
  private readonly prev = new Op();
  private cycles = 0;
  private macs = 0;
  private phases: PhaseCycles = { load: 0, fill: 0, stream: 0, drain: 0 };
  private reads: SramReads = { ifmap: 0, filter: 0, psum: 0 };
  private writes: SramWrites = { psum: 0, ofmap: 0 };

  constructor(parent: Module, name: string, options: MacArrayOptions) {
    super(parent, name);
    checkConfig(options);
    const mode = options.mode ?? 'timing';
    if (mode !== 'data' && mode !== 'timing') {
      throw new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `mac-array: mode must be 'data' or 'timing', got ${JSON.stringify(mode)}` });
    }
    this.rows = options.rows;
    this.cols = options.cols;
    this.dataflow = options.dataflow;
    this.mode = mode;
    this.clk = this.input('clk', 1).bind(options.clk);
    this.ctl = this.signal('ctl', 3);
    this.busy = this.signal('busy', 1);
    this.cycle = this.signal('cycle', 32, { traceAs: 'integer' });
    this.fold = this.signal('fold', 32, { traceAs: 'integer' });
    this.phase = this.signal('phase', 2, { traceAs: 'integer' });
    this.active = this.signal('active', 32, { traceAs: 'integer' });
    if (mode === 'data') this.buildGrid(options.clk);
    this.onRising(this.clk, this.edge);
  }

  /** Queue a layer; it is picked up at the next rising edge. Data mode needs the int8 operands. */
  start(layer: MacLayer, operands?: MacOperands): void {
    checkLayer(layer);
    if (this.mode === 'data') checkOperands(layer, operands);
    if (this.pending || (this.job && !this.done)) {
      throw new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `${this.path}: start() while a layer is still running`, paths: [this.path] });
    }
    this.pending = { layer, ops: operands };
    this.done = false;
  }

  /** True once the last output of the started layer is written back. */
  get finished(): boolean {
    return this.done;
  }

  /** Start a layer and run the simulation until it is written back. */
  async runLayer(layer: MacLayer, operands?: MacOperands): Promise<MacArrayResult> {
    this.start(layer, operands);
    await this.sim.run({ clock: this.clk.sig, until: () => this.done });
    return this.result();
  }

  /** The finished layer's counters (and output in data mode). */
  result(): MacArrayResult {
    const job = this.job;
    if (!job || !this.done) {
      throw new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `${this.path}: result() before the layer finished`, paths: [this.path] });
    }
    const Fn = Math.ceil(job.g.n / this.cols);
    const foldGrid = this.dataflow === 'ws'
      ? { m: 1, k: Math.ceil(job.g.k / this.rows), n: Fn }
      : { m: Math.ceil(job.g.m / this.rows), k: 1, n: Fn };
    const r: MacArrayResult = {
      rows: this.rows,
      cols: this.cols,
      dataflow: this.dataflow,
      gemm: job.g,
      cycles: this.cycles,
      macs: this.macs,
      utilisation: this.macs / (this.rows * this.cols * this.cycles),
      folds: job.folds.length,
      foldGrid,
      phases: { ...this.phases },
      sramReads: { ...this.reads },
      sramWrites: { ...this.writes },
      sramReadBytes: readBytes(this.reads),
      sramWriteBytes: writeBytes(this.writes),
    };
    if (job.out) r.output = job.out;
    return r;
  }

  private buildGrid(clk: Signal): void {
    const zero32 = this.signal('zero', 32);
    for (let r = 0; r < this.rows; r++) this.left.push(this.signal(`left_${r}`, 8));
    for (let c = 0; c < this.cols; c++) this.top.push(this.signal(`top_${c}`, 8));
    for (let r = 0; r < this.rows; r++) {
      const row: (WsPe | OsPe)[] = [];
      for (let c = 0; c < this.cols; c++) {
        const name = `pe_${r}_${c}`;
        const aIn = c === 0 ? this.left[r]! : row[c - 1]!.a;
        if (this.dataflow === 'ws') {
          const pe = new WsPe(this, name, clk, this.ctl);
          const up = r === 0 ? null : (this.pes[r - 1]![c] as WsPe);
          pe.aIn.bind(aIn);
          pe.wIn.bind(up ? up.w : this.top[c]!);
          pe.pIn.bind(up ? up.p : zero32);
          row.push(pe);
        } else {
          const pe = new OsPe(this, name, clk, this.ctl);
          const up = r === 0 ? null : (this.pes[r - 1]![c] as OsPe);
          pe.aIn.bind(aIn);
          pe.bIn.bind(up ? up.b : this.top[c]!);
          pe.accIn.bind(up ? up.acc : zero32);
          row.push(pe);
        }
      }
      this.pes.push(row);
    }
  }

  private edge(): void {
    if (this.prev.valid) this.writeBack(this.prev);
    const ex = this.exec;
    if (ex.valid) this.account(ex);
    this.prev.copyFrom(ex);
    if (this.pending) this.accept();
    const job = this.job;
    if (job && !this.done && job.seq.next(ex)) {
      this.issue(job, ex);
    } else if (job && !this.done) {
      this.ctl.set(CTL_NOP);
      if (!this.prev.valid) {
        this.done = true;
        this.busy.set(0);
      }
    }
  }

  private accept(): void {
    const { layer, ops } = this.pending!;
    this.pending = null;
    const g = gemmOf(layer);
    const folds = foldsOf(this, g);
    const job: Job = { layer, g, folds, seq: new Sequencer(this, g, folds), aAddr: aAddress(layer) };
    if (this.mode === 'data') {
      job.ops = ops;
      job.out = new Int32Array(g.m * g.n);
    }
    this.job = job;
    this.cycles = this.macs = 0;
    this.phases = { load: 0, fill: 0, stream: 0, drain: 0 };
    this.reads = { ifmap: 0, filter: 0, psum: 0 };
    this.writes = { psum: 0, ofmap: 0 };
    this.busy.set(1);
  }

  /** Count the op the PEs execute at this edge: a busy cycle, its phase, and the MACs it performs. */
  private account(op: Op): void {
    const f = op.fold!;
    this.cycles++;
    this.phases[PHASES[op.phase]!]++;
    let n = 0;
    if (op.ctl !== CTL_LOAD && op.ctl !== CTL_DRAIN) {
      // PE (r, c) works on stream element j - r - c, real while it lies in 0..len-1.
      const ws = this.dataflow === 'ws';
      const len = ws ? this.job!.g.m : this.job!.g.k;
      const used = ws ? f.kt : f.mt;
      for (let r = 0; r < used; r++) {
        const hi = Math.min(f.nt - 1, op.j - r);
        const lo = Math.max(0, op.j - r - len + 1);
        if (hi >= lo) n += hi - lo + 1;
      }
    }
    this.macs += n;
    this.cycle.set(this.cycles);
    this.fold.set(f.index);
    this.phase.set(op.phase);
    this.active.set(n);
  }

  /** Drive the control code and the skewed edge inputs for the op the PEs execute at the next edge. */
  private issue(job: Job, op: Op): void {
    const f = op.fold!;
    const data = this.mode === 'data';
    const { g } = job;
    this.ctl.set(op.ctl);
    if (this.dataflow === 'ws') {
      for (let r = 0; r < this.rows; r++) {
        const m = op.j - r;
        const live = op.ctl !== CTL_LOAD && r < f.kt && m >= 0 && m < g.m;
        this.feedLeft(job, r, live ? job.aAddr(m, f.k0 + r) : -1, data);
      }
      for (let c = 0; c < this.cols; c++) {
        const live = op.ctl === CTL_LOAD && c < f.nt;
        this.feedTop(job, c, live ? (f.k0 + f.kt - 1 - op.j) * g.n + f.n0 + c : -1, data);
      }
    } else {
      const drain = op.ctl === CTL_DRAIN;
      for (let r = 0; r < this.rows; r++) {
        const k = op.j - r;
        const live = !drain && r < f.mt && k >= 0 && k < g.k;
        this.feedLeft(job, r, live ? job.aAddr(f.m0 + r, k) : -1, data);
      }
      for (let c = 0; c < this.cols; c++) {
        const k = op.j - c;
        const live = !drain && c < f.nt && k >= 0 && k < g.k;
        this.feedTop(job, c, live ? k * g.n + f.n0 + c : -1, data);
      }
    }
  }

  /** An address < 0 is a zero the fetch unit makes itself (skew slot or padding): no SRAM read. */
  private feedLeft(job: Job, r: number, addr: number, data: boolean): void {
    if (addr >= 0) this.reads.ifmap++;
    if (data) this.left[r]!.set(addr >= 0 ? u8(job.ops!.a[addr]!) : 0);
  }

  private feedTop(job: Job, c: number, addr: number, data: boolean): void {
    if (addr >= 0) this.reads.filter++;
    if (data) this.top[c]!.set(addr >= 0 ? u8(job.ops!.b[addr]!) : 0);
  }

  /** Capture the bottom row's registers after the op executed at the previous edge. */
  private writeBack(op: Op): void {
    const job = this.job!;
    const f = op.fold!;
    const { g } = job;
    const bottom = this.pes[this.rows - 1];
    if (this.dataflow === 'ws') {
      if (op.ctl === CTL_LOAD) return;
      const last = f.kFold === f.kFolds - 1;
      for (let c = 0; c < f.nt; c++) {
        const m = op.j - (this.rows - 1) - c;
        if (m < 0 || m >= g.m) continue;
        if (f.kFold > 0) this.reads.psum++;
        if (last) this.writes.ofmap++;
        else this.writes.psum++;
        if (job.out) {
          const i = m * g.n + f.n0 + c;
          const v = (bottom![c] as WsPe).p.value | 0;
          job.out[i] = f.kFold === 0 ? v : job.out[i]! + v; // Int32Array store wraps modulo 2^32
        }
      }
      return;
    }
    const lastMac = f.mt - 1 + (f.nt - 1) + g.k - 1;
    const row = op.ctl === CTL_DRAIN ? this.rows - 2 - op.j : op.j === lastMac ? this.rows - 1 : -1;
    if (row < 0 || row >= f.mt) return;
    for (let c = 0; c < f.nt; c++) {
      this.writes.ofmap++;
      if (job.out) job.out[(f.m0 + row) * g.n + f.n0 + c] = (bottom![c] as OsPe).acc.value | 0;
    }
  }
}
