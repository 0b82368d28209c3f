// The NPU controller: a clocked module that runs an NpuProgram on the MAC array (ComputeUnit), the
// vector unit and three DMA channels, and measures what the memory system costs.
//
// Per rising edge k of the NPU clock:
//   1. retire, per unit and in order, the tasks whose unit reports them done (isDone);
//   2. issue, per unit and in order, the next tasks whose dependencies are done (npu-program.ts), up to
//      2 in flight per unit (1 for the vector unit, so its counters can be read per job);
//   3. account: buffers go live when their first task issues and die when their last task retires
//      (live bytes, live tensors); going live, a buffer is allocated at its planned offset in the
//      activation SRAM or the weight buffer (SramBanks.allocateAt), dying, it is freed; an edge at which
//      the MAC array (or the vector unit) was idle is charged to what its next task waited for; every
//      `windowCycles` edges the DRAM bytes moved and the MAC / vector busy fractions are written to
//      traced signals.
// Busy flags are read from the units' registered `busy` signals, which at edge k hold edge k-1's value
// whatever the process order; the reason for an idle edge k-1 is the state of the queue at the end of
// edge k-2 (a task issued at edge j starts at edge j+1 at the earliest).
import type { ClockDriver } from '../../sim/clock.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { ComputeJob, ComputeUnit } from './compute.ts';
import type { Dma, DmaTransfer } from './dma.ts';
import type { DramController } from './dram-controller.ts';
import type { DramTap } from './npu-dram-tap.ts';
import { UNITS, type Instance, type NpuProgram, type Task, type Unit } from './npu-program.ts';
import type { SramBanks } from './sram.ts';
import type { VectorJob, VectorUnit } from './vector-unit.ts';

export interface NpuUnits {
  readonly compute: ComputeUnit;
  readonly vector: VectorUnit;
  readonly dma: Readonly<Record<'load' | 'store' | 'wload', Dma>>;
  readonly dram: DramController;
  readonly tap: DramTap;
  /** Where buffer instances live: 'act' in the activation SRAM, 'wgt' in the weight buffer. */
  readonly sram: SramBanks;
  readonly wsram: SramBanks;
}

/** What one vector-unit job did (deltas of the unit's counters over the job). */
export interface VecJobStats {
  readonly task: number;
  readonly kind: 'add' | 'relu' | 'pool';
  readonly ops: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly busyCycles: number;
  readonly stallCycles: number;
}

type Handle = ComputeJob | VectorJob | DmaTransfer;

const MAX_INFLIGHT: Record<Unit, number> = { mac: 2, vec: 1, load: 2, store: 2, wload: 2 };

export class NpuController extends Module {
  readonly actLive: Signal;
  readonly wgtLive: Signal;
  readonly liveTensors: Signal;
  readonly dramBytesWin: Signal;
  readonly dramGBps: Signal;
  readonly dramQueue: Signal;
  readonly macBusy: Signal;
  readonly macUtil: Signal;
  readonly adderBusy: Signal;
  readonly adderUtil: Signal;
  readonly layer: Signal;

  /** Edge at which the last task retired (0 while running). */
  endCycle = 0;
  /** Per task: edge it was issued, started (unit's start edge) and seen done. */
  readonly issued: Float64Array;
  readonly started: Float64Array;
  readonly done: Float64Array;
  /** Per compute task: MACs (MAC array) or element operations (vector unit) its unit counted. */
  readonly ops: Float64Array;
  /** Per activation buffer instance: edges it went live and died. */
  readonly liveFrom: Float64Array;
  readonly deadAt: Float64Array;
  readonly vecJobs: VecJobStats[] = [];
  peakActLive = 0;
  peakWgtLive = 0;
  peakLiveTensors = 0;
  macBusyCycles = 0;
  vecBusyCycles = 0;

  private readonly clock: ClockDriver;
  private readonly next = [0, 0, 0, 0, 0];
  private readonly doneCount = [0, 0, 0, 0, 0];
  private readonly inflight: { task: Task; handle: Handle }[][] = [[], [], [], [], []];
  private readonly remaining: Int32Array;
  private readonly live = { act: 0, wgt: 0 };
  private readonly tensorLive = new Map<string, number>();
  private retired = 0;
  private vecSnap = { ops: 0, bytesRead: 0, bytesWritten: 0, busyCycles: 0, stallCycles: 0 };
  private win = { edges: 0, mac: 0, vec: 0, dramBytes: 0 };

  constructor(
    parent: Module,
    name: string,
    clk: Signal<number>,
    readonly program: NpuProgram,
    readonly units: NpuUnits,
    private readonly options: { windowCycles: number; periodNs: number },
  ) {
    super(parent, name);
    this.clock = this.sim.clockOf(clk);
    const n = program.tasks.length;
    this.issued = new Float64Array(n).fill(-1);
    this.started = new Float64Array(n).fill(-1);
    this.done = new Float64Array(n).fill(-1);
    this.ops = new Float64Array(n);
    this.remaining = Int32Array.from(program.instances, (i) => i.tasks.length);
    this.liveFrom = new Float64Array(program.instances.length).fill(-1);
    this.deadAt = new Float64Array(program.instances.length).fill(-1);
    this.actLive = this.signal('act_live_bytes', 32, { traceAs: 'integer' });
    this.wgtLive = this.signal('wgt_live_bytes', 32, { traceAs: 'integer' });
    this.liveTensors = this.signal('live_tensors', 8, { traceAs: 'integer' });
    this.dramBytesWin = this.signal('dram_bytes_window', 32, { traceAs: 'integer' });
    this.dramGBps = this.signal('dram_gbps', 1, { kind: 'real' });
    this.dramQueue = this.signal('dram_queue', 16, { traceAs: 'integer' });
    this.macBusy = this.signal('mac_busy', 1, { traceAs: 'integer' });
    this.macUtil = this.signal('mac_util', 1, { kind: 'real' });
    this.adderBusy = this.signal('adder_busy', 1, { traceAs: 'integer' });
    this.adderUtil = this.signal('adder_util', 1, { kind: 'real' });
    this.layer = this.signal('layer', 16, { traceAs: 'integer' });
    this.onRising(clk, this.edge);
  }

  get finished(): boolean {
    return this.retired === this.program.tasks.length;
  }

  override blockedOn(): string | null {
    if (this.finished) return null;
    const waits: string[] = [];
    UNITS.forEach((u, ui) => {
      const t = this.program.queues[u][this.next[ui]!];
      if (t && this.inflight[ui]!.length === 0) waits.push(`${u}: '${t.label}' waits for ${this.blocking(t) ?? 'issue'}`);
    });
    return waits.join('; ') || null;
  }

  private edge(): void {
    const k = this.clock.cycles;
    const { compute, vector } = this.units;
    // busy at edge k-1 (registered flags), charged to the reasons recorded at edge k-2
    const macWasBusy = compute.busy.value === 1;
    const vecWasBusy = vector.busy.value === 1;
    if (k > 1 && !this.finishedBefore(k)) {
      if (macWasBusy) this.macBusyCycles++;
      if (vecWasBusy) this.vecBusyCycles++;
    }
    let moved = this.retire(k);
    moved = this.issue(k) || moved;
    if (moved) this.progress();
    if (this.finished && this.endCycle === 0) this.endCycle = k;
    this.trace(macWasBusy, vecWasBusy);
  }

  private finishedBefore(k: number): boolean {
    return this.endCycle > 0 && k - 1 > this.endCycle;
  }

  private retire(k: number): boolean {
    let any = false;
    UNITS.forEach((u, ui) => {
      const fl = this.inflight[ui]!;
      while (fl.length > 0 && this.isDone(u, fl[0]!.handle)) {
        const { task, handle } = fl.shift()!;
        this.started[task.id] = handle.startCycle;
        this.done[task.id] = k;
        this.doneCount[ui]!++;
        this.retired++;
        any = true;
        if (u === 'vec') this.snapVector(task);
        else if (u === 'mac') this.ops[task.id] = (handle as ComputeJob).cost.macs;
        for (const inst of new Set([...task.reads, ...task.writes])) {
          if (--this.remaining[inst]! === 0) this.release(inst, k);
        }
      }
    });
    return any;
  }

  private issue(k: number): boolean {
    let any = false;
    UNITS.forEach((u, ui) => {
      const q = this.program.queues[u];
      const fl = this.inflight[ui]!;
      while (fl.length < MAX_INFLIGHT[u] && this.next[ui]! < q.length) {
        const t = q[this.next[ui]!]!;
        if (this.blocking(t) !== null) break;
        for (const inst of new Set([...t.reads, ...t.writes])) if (this.liveFrom[inst]! < 0) this.acquire(inst, k);
        fl.push({ task: t, handle: this.start(t) });
        this.issued[t.id] = k;
        this.next[ui]!++;
        any = true;
        if (u === 'mac' || u === 'vec') this.layer.set(t.op);
      }
    });
    return any;
  }

  /** The unit of the latest task `t` still waits for, or null when it may issue. */
  private blocking(t: Task): Unit | null {
    let worst: Unit | null = null;
    let worstId = -1;
    for (let u = 0; u < 5; u++) {
      const need = t.needs[u]!;
      if (need >= this.doneCount[u]!) {
        const dep = this.program.queues[UNITS[u]!][need]!;
        if (dep.id > worstId) {
          worstId = dep.id;
          worst = UNITS[u]!;
        }
      }
    }
    return worst;
  }

  private start(t: Task): Handle {
    const { compute, vector, dma, tap } = this.units;
    if (t.unit === 'mac') return compute.run(t.gemm);
    if (t.unit === 'vec') return vector.run(t.spec);
    tap.expect(t.unit, t);
    return dma[t.unit].transfer({ dir: t.dir, dramAddr: t.dramAddr, sramAddr: t.sramAddr, bytes: t.bytes, name: t.label });
  }

  private isDone(u: Unit, h: Handle): boolean {
    const { compute, vector, dma } = this.units;
    if (u === 'mac') return compute.isDone(h as ComputeJob);
    if (u === 'vec') return vector.isDone(h as VectorJob);
    return dma[u].isDone(h as DmaTransfer);
  }

  // ---------------------------------------------------------------- accounting

  private acquire(inst: number, k: number): void {
    const i = this.program.instances[inst]!;
    this.memoryOf(i).allocateAt(allocName(i), i.offset, i.bytes);
    this.liveFrom[inst] = k;
    this.live[i.space] += i.bytes;
    if (i.space === 'act') {
      this.peakActLive = Math.max(this.peakActLive, this.live.act);
      const n = (this.tensorLive.get(i.tensor!) ?? 0) + 1;
      this.tensorLive.set(i.tensor!, n);
      this.peakLiveTensors = Math.max(this.peakLiveTensors, this.tensorLive.size);
    } else {
      this.peakWgtLive = Math.max(this.peakWgtLive, this.live.wgt);
    }
  }

  private release(inst: number, k: number): void {
    const i = this.program.instances[inst]!;
    this.deadAt[inst] = k;
    this.live[i.space] -= i.bytes;
    this.memoryOf(i).free(allocName(i));
    if (i.space === 'act') {
      const n = this.tensorLive.get(i.tensor!)! - 1;
      if (n === 0) this.tensorLive.delete(i.tensor!);
      else this.tensorLive.set(i.tensor!, n);
    }
  }

  private memoryOf(i: Instance): SramBanks {
    return i.space === 'act' ? this.units.sram : this.units.wsram;
  }

  private snapVector(task: Task): void {
    if (task.unit !== 'vec') return;
    const c = this.units.vector.counters;
    const s = this.vecSnap;
    this.ops[task.id] = c.ops - s.ops;
    this.vecJobs.push({
      task: task.id,
      kind: task.spec.kind,
      ops: c.ops - s.ops,
      bytesRead: c.bytesRead - s.bytesRead,
      bytesWritten: c.bytesWritten - s.bytesWritten,
      busyCycles: c.busyCycles - s.busyCycles,
      stallCycles: c.stallCycles - s.stallCycles,
    });
    this.vecSnap = { ops: c.ops, bytesRead: c.bytesRead, bytesWritten: c.bytesWritten, busyCycles: c.busyCycles, stallCycles: c.stallCycles };
  }

  private trace(macWasBusy: boolean, vecWasBusy: boolean): void {
    this.actLive.set(this.live.act);
    this.wgtLive.set(this.live.wgt);
    this.liveTensors.set(Math.min(255, this.tensorLive.size));
    const d = this.units.dram;
    this.dramQueue.set(Math.min(0xffff, d.rdq.value + d.wrq.value));
    this.macBusy.set(macWasBusy ? 1 : 0);
    this.adderBusy.set(vecWasBusy ? 1 : 0);
    const w = this.win;
    w.edges++;
    if (macWasBusy) w.mac++;
    if (vecWasBusy) w.vec++;
    if (w.edges === this.options.windowCycles) {
      const bytes = d.stats.bytesRead + d.stats.bytesWritten;
      const moved = bytes - w.dramBytes;
      this.dramBytesWin.set(Math.min(0xffffffff, moved));
      this.dramGBps.set(moved / (w.edges * this.options.periodNs));
      this.macUtil.set(w.mac / w.edges);
      this.adderUtil.set(w.vec / w.edges);
      this.win = { edges: 0, mac: 0, vec: 0, dramBytes: bytes };
    }
  }
}

/** A buffer instance's allocation name: unique (labels repeat, e.g. a band loaded again for another weight tile). */
function allocName(i: Instance): string {
  return `${i.label} [${i.id}]`;
}
