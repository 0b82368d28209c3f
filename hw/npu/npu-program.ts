// The NPU's program: what the controller issues to each unit, in order, and what each task waits for.
//
// Five in-order units: the MAC array ('mac'), the vector unit ('vec'), and three DMA channels: 'load'
// (DRAM -> activation SRAM: inputs, fills), 'store' (activation SRAM -> DRAM: outputs, spills) and
// 'wload' (DRAM -> weight buffer). A task waits for
//   - RAW: the earlier tasks that wrote the SRAM buffers it reads (and, for a DRAM load, the earlier
//     stores to that DRAM tensor);
//   - buffer reuse (WAR/WAW): before a task writes a buffer, every earlier task that used an overlapping
//     SRAM range (a buffer the planner placed there earlier, the band before last in a double buffer,
//     the tile before last in a weight slot) must be done.
// Every dependency points to an earlier task and every unit runs in order, so the program cannot
// deadlock. Dependencies are kept as "task number n of unit u must be done", one number per unit.
import type { ArrayConfig, MatmulLayer } from '../mac-array/layer.ts';
import type { MemoryPolicy, OpPlan, OperandPlan, Region } from './memory-policy.ts';
import { NPU_ALIGN, alignDown, alignUp } from './npu-config.ts';
import { isMacLayer, rowBytes, type NpuNetwork } from './npu-network.ts';
import { bandM, bands, weightTiles, type Band, type WeightTile } from './npu-tiling.ts';
import type { VectorOpSpec } from './vector-unit.ts';

export const UNITS = ['mac', 'vec', 'load', 'store', 'wload'] as const;
export type Unit = (typeof UNITS)[number];
export const UNIT_INDEX: Readonly<Record<Unit, number>> = { mac: 0, vec: 1, load: 2, store: 3, wload: 4 };

/**
 * Why a DRAM byte moved: a layer's weights; its input and output when they stream through DRAM (and
 * the network's input and output); a skip tensor spilled to DRAM and filled back; the extra read of a
 * skip tensor that lives in DRAM by the layer that closes the skip; tiling re-reads of activations
 * (halo rows, an input band loaded again for another weight tile) and of weights (a layer's weights
 * loaded again for another band).
 */
export const CAUSES = ['weights', 'input', 'output', 'skipSpill', 'skipFill', 'skipReread', 'tilingReread', 'weightReread'] as const;
export type Cause = (typeof CAUSES)[number];

export type Space = 'act' | 'wgt';

/** One occupancy of an SRAM range: a tensor buffer, one band in a staging buffer, one weight tile in a slot. */
export interface Instance {
  readonly id: number;
  readonly space: Space;
  readonly offset: number;
  readonly bytes: number;
  /** Activation tensor held (null for weights). */
  readonly tensor: string | null;
  readonly label: string;
  readonly tasks: number[];
}

interface TaskBase {
  readonly id: number;
  readonly seq: number;
  /** Layer index the work belongs to (-1: none). */
  readonly op: number;
  readonly label: string;
  readonly reads: number[];
  readonly writes: number[];
  /** Per unit (UNITS order): the seq of that unit's task that must be done first, or -1. */
  readonly needs: number[];
}

export interface MacTask extends TaskBase {
  readonly unit: 'mac';
  readonly gemm: MatmulLayer;
}

export interface VecTask extends TaskBase {
  readonly unit: 'vec';
  readonly spec: VectorOpSpec;
}

export interface CauseRun {
  readonly bursts: number;
  readonly cause: Cause;
}

export interface DmaTask extends TaskBase {
  readonly unit: 'load' | 'store' | 'wload';
  readonly dir: 'load' | 'store';
  readonly dramAddr: number;
  readonly sramAddr: number;
  readonly bytes: number;
  /** Causes of the transfer's bursts, in burst order (a band load starts with its halo re-read). */
  readonly causes: readonly CauseRun[];
  /** Layer whose DRAM traffic this is (a skip's spill and fill count for the layer that closes the skip). */
  readonly attributeTo: number;
  readonly dramArea: number;
}

export type Task = MacTask | VecTask | DmaTask;

export interface NpuProgram {
  readonly tasks: readonly Task[];
  /** Each unit's tasks in issue order (index = seq). */
  readonly queues: Readonly<Record<Unit, readonly Task[]>>;
  readonly instances: readonly Instance[];
  /** Per layer: its compute tasks (mac or vec). */
  readonly computeTasks: readonly (readonly number[])[];
  /** Per skip of the policy: the compute tasks that end its producer (-1: network input load) and start its closing op. */
  readonly skipEnds: readonly { readonly producerTasks: readonly number[]; readonly consumerTasks: readonly number[] }[];
  /** DRAM bytes reserved: weights then tensors. */
  readonly dramBytes: number;
}

export interface ProgramOptions {
  readonly array: ArrayConfig;
  readonly weightSlotBytes: number;
  /** Activation SRAM word (the vector unit's addresses must be word-aligned). */
  readonly wordBytes: number;
}

const PAGE = 4096;

export function buildProgram(net: NpuNetwork, policy: MemoryPolicy, opts: ProgramOptions): NpuProgram {
  return new Builder(net, policy, opts).build();
}

class Builder {
  private readonly tasks: Task[] = [];
  private readonly queues: Record<Unit, Task[]> = { mac: [], vec: [], load: [], store: [], wload: [] };
  private readonly instances: Instance[] = [];
  private readonly regionInst = new Map<string, number>();
  private readonly regions: Map<string, Region>;
  private readonly computeTasks: number[][];
  private dramTop = 0;
  private readonly weightBase: number[][] = [];
  private readonly homeArea = new Map<string, { id: number; addr: number }>();
  private readonly spillArea = new Map<number, { id: number; addr: number }>();
  private nextArea = 0;
  private wloads = 0;

  constructor(
    private readonly net: NpuNetwork,
    private readonly policy: MemoryPolicy,
    private readonly opts: ProgramOptions,
  ) {
    this.regions = new Map(policy.regions.map((r) => [r.name, r]));
    this.computeTasks = net.layers.map(() => []);
  }

  build(): NpuProgram {
    const { net, policy } = this;
    // weights first in DRAM, pre-tiled: one contiguous, burst-aligned block per tile
    net.layers.forEach((l) => {
      const bases: number[] = [];
      for (const t of weightTiles(l, this.opts.weightSlotBytes, this.opts.array)) {
        bases.push(this.dramTop);
        this.dramTop += alignUp(t.bytes);
      }
      this.weightBase.push(bases);
    });
    this.dramTop = alignUp(this.dramTop, PAGE);
    const liveSkips = policy.skips.filter((k) => k.spilled && policy.storages[k.storage]!.home === 'sram');

    // the network input: in DRAM at the start; loaded whole if it lives in SRAM
    const inStorage = policy.storages[policy.storageOf[net.input]!]!;
    if (inStorage.home === 'sram') {
      const first = inStorage.uses[0]!;
      const reg = policy.ops[first]!.inputs.find((o) => o.tensor === net.input)!.region!;
      const home = this.home(net.input);
      this.dma('load', 'load', -1, `load input ${net.input}`, home, 0, this.regionInstance(reg), net.tensors[net.input]!.bytes, [], 'input', first);
    }
    net.layers.forEach((_, i) => {
      for (const k of liveSkips) {
        if (k.fill === 'stream') continue;
        const start = k.fill === 'prefetch' ? k.before - 1 : k.before;
        if (start !== i) continue;
        const reg = policy.ops[k.before]!.inputs.find((o) => o.tensor === k.tensor)!.region!;
        this.dma('load', 'load', i, `fill ${k.tensor}`, this.spill(k.index, k.tensor), 0, this.regionInstance(reg), k.bytes, [], 'skipFill', k.before);
      }
      this.emitOp(i);
      for (const k of liveSkips) {
        if (k.producer !== i) continue;
        const reg = policy.ops[i]!.output.region!;
        this.dma('store', 'store', i, `spill ${k.tensor}`, this.spill(k.index, k.tensor), 0, this.regionInstance(reg), k.bytes, [], 'skipSpill', k.before);
      }
      const out = net.layers[i]!.output;
      const op = policy.ops[i]!;
      if (net.outputs.includes(out) && op.output.mode === 'sram') {
        this.dma('store', 'store', i, `store output ${out}`, this.home(out), 0, this.regionInstance(op.output.region!), net.tensors[out]!.bytes, [], 'output', i);
      }
    });
    this.resolveDependencies();
    const skipEnds = policy.skips.map((k) => ({
      producerTasks: k.producer < 0 ? [] : this.computeTasks[k.producer]!,
      consumerTasks: this.computeTasks[k.before]!,
    }));
    return { tasks: this.tasks, queues: this.queues, instances: this.instances, computeTasks: this.computeTasks, skipEnds, dramBytes: this.dramTop };
  }

  // ---------------------------------------------------------------- one layer

  private emitOp(i: number): void {
    const { policy } = this;
    const op = policy.ops[i]!;
    const l = op.layer;
    const bs = bands(l, op.bandRows);
    const tiles = weightTiles(l, this.opts.weightSlotBytes, this.opts.array);
    const outRb = rowBytes(l.outShape);
    let slot = 0; // staging buffer of the next band load (double buffering)
    const loadInputs = (b: Band, reread: boolean) => {
      const inAt = new Map<string, { inst: number; addr: number }>();
      for (const o of op.inputs) inAt.set(o.tensor, this.inputBand(i, o, b, slot, reread));
      slot++;
      return inAt;
    };
    const readsOf = (inAt: Map<string, { inst: number }>) => [...new Set([...inAt.values()].map((v) => v.inst))];
    const mac = (b: Band, t: WeightTile, w: number, inAt: Map<string, { inst: number }>, out: { inst: number }) => {
      const gemm: MatmulLayer = { kind: 'matmul', m: bandM(l, b), k: t.k1 - t.k0, n: t.n1 - t.n0 };
      this.task({ unit: 'mac', op: i, label: `${l.name} band ${b.index} tile ${t.index}`, reads: [...readsOf(inAt), w], writes: [out.inst], gemm });
    };
    const loadTile = (t: WeightTile, again: boolean) => {
      const w = this.weightInstance(l.name, t.index, t.bytes);
      this.dma('wload', 'load', i, `weights ${l.name}[${t.index}]`, { id: -1, addr: this.weightBase[i]![t.index]! }, 0, w, t.bytes, [], again ? 'weightReread' : 'weights', i);
      return w;
    };
    if (isMacLayer(l) && this.tilesOuter(op, bs, tiles)) {
      // weight tiles outer: each tile is loaded once and every band of the input streams past it
      tiles.forEach((t, ti) => {
        const w = loadTile(t, false);
        for (const b of bs) mac(b, t, w, loadInputs(b, ti > 0), this.outputBand(op.output, b, outRb));
      });
      return;
    }
    let heldTile: number | null = null;
    bs.forEach((b) => {
      // where each input's band is in SRAM (byte address of its row in0), loading it if streamed
      const inAt = loadInputs(b, false);
      const out = this.outputBand(op.output, b, outRb);
      if (isMacLayer(l)) {
        // bands outer: a layer whose weights fit one slot keeps them; otherwise every band loads them again
        for (const t of tiles) {
          const w = tiles.length === 1 && heldTile !== null ? heldTile : loadTile(t, b.index > 0);
          if (tiles.length === 1) heldTile = w;
          mac(b, t, w, inAt, out);
        }
      } else {
        this.vectorBand(i, b, bs.length, inAt, out);
      }
      if (op.output.mode === 'stream') {
        const bytes = (b.r1 - b.r0) * outRb;
        this.dma('store', 'store', i, `store ${l.output} band ${b.index}`, this.home(l.output), b.r0 * outRb, out.inst, bytes, [], 'output', i);
      }
    });
  }

  /**
   * Loop order of a banded MAC layer with several weight tiles: bands outer re-reads the weights for
   * every band after the first; tiles outer re-reads the streamed input bands for every tile after the
   * first, and needs the output in SRAM (each tile writes a channel slice of every band: a strided
   * write the 1-D DMA cannot store). The cheaper one in DRAM bytes wins.
   */
  private tilesOuter(op: OpPlan, bs: readonly Band[], tiles: readonly WeightTile[]): boolean {
    if (bs.length < 2 || tiles.length < 2 || op.output.mode !== 'sram') return false;
    const weights = tiles.reduce((s, t) => s + t.bytes, 0);
    let input = 0;
    for (const o of op.inputs) {
      if (o.mode !== 'stream') continue;
      const rb = rowBytes(this.net.tensors[o.tensor]!.shape);
      for (const b of bs) input += b.in1 * rb - alignDown(b.in0 * rb);
    }
    return (tiles.length - 1) * input < (bs.length - 1) * weights;
  }

  private vectorBand(i: number, b: Band, nBands: number, inAt: Map<string, { inst: number; addr: number }>, out: { inst: number; addr: number }): void {
    const { net } = this;
    const l = this.policy.ops[i]!.layer;
    const outRb = rowBytes(l.outShape);
    const reads = [...new Set([...inAt.values()].map((v) => v.inst))];
    const inRow = (t: string, row: number) => {
      const at = inAt.get(t)!;
      return at.addr + (row - b.in0) * rowBytes(net.tensors[t]!.shape);
    };
    const bytes = (b.r1 - b.r0) * outRb;
    let spec: VectorOpSpec;
    if (l.kind === 'add') {
      spec = { kind: 'add', name: l.name, a: inRow(l.inputs[0]!, b.r0), b: inRow(l.inputs[1]!, b.r0), y: out.addr, bytes, relu: l.relu };
    } else if (l.kind === 'relu') {
      spec = { kind: 'relu', name: l.name, x: inRow(l.inputs[0]!, b.r0), y: out.addr, bytes };
    } else {
      const s = l.stride;
      const p = l.padding;
      // one pass: the layer's own pool; a band: a pool with the same padding over the rows its outputs
      // read (window rows above and below a band edge that fall in that padding are not read)
      const whole = nBands === 1;
      const v0 = whole ? 0 : b.r0 * s;
      const h = whole ? l.inShapes[0]!.h : Math.max(1, Math.min(b.in1 - v0, (b.r1 - b.r0 - 1) * s + l.kernel - 2 * p));
      spec = {
        kind: 'pool', name: l.name, mode: l.pool ?? 'max', x: inRow(l.inputs[0]!, v0), y: out.addr,
        h, w: l.inShapes[0]!.w, c: l.inShapes[0]!.c, k: l.kernel, stride: s, pad: p,
      };
    }
    this.task({ unit: 'vec', op: i, label: `${l.name} band ${b.index}`, reads, writes: [out.inst], spec });
  }

  /**
   * The SRAM address of an input's band (row in0) and its buffer; a streamed input is loaded now into
   * staging buffer `slot` mod 2 (all of it a re-read when `reread`).
   */
  private inputBand(i: number, o: OperandPlan, b: Band, slot: number, reread: boolean): { inst: number; addr: number } {
    const shape = this.net.tensors[o.tensor]!.shape;
    const rb = rowBytes(shape);
    if (o.mode === 'sram') {
      const inst = this.regionInstance(o.region!);
      return { inst, addr: this.instances[inst]!.offset + b.in0 * rb };
    }
    const stage = this.regions.get(o.stage[slot % o.stage.length]!)!;
    const start = b.in0 * rb;
    const end = b.in1 * rb;
    const a0 = alignDown(start);
    const inst = this.newInstance('act', stage.offset, end - a0, o.tensor, `${stage.name} band ${b.index}`);
    const skip = o.source === 'spill' ? this.policy.skips.find((k) => k.tensor === o.tensor && k.before === i && k.spilled) : undefined;
    const area = skip ? this.spill(skip.index, o.tensor) : this.home(o.tensor);
    // bursts wholly inside rows the previous band loaded are a tiling re-read
    const prevEnd = b.index === 0 ? 0 : (b.in0 + b.haloRows) * rb;
    const halo = b.index === 0 ? 0 : Math.max(0, Math.floor((prevEnd - a0) / NPU_ALIGN));
    const closes = this.policy.skips.some((k) => k.tensor === o.tensor && k.before === i);
    const main = reread ? 'tilingReread' : skip ? 'skipFill' : closes ? 'skipReread' : 'input';
    const causes: CauseRun[] = halo > 0 && !reread ? [{ bursts: halo, cause: 'tilingReread' }] : [];
    this.dma('load', 'load', i, `load ${o.tensor} band ${b.index}`, area, a0, inst, end - a0, causes, main, i);
    return { inst, addr: stage.offset + (start - a0) };
  }

  private outputBand(o: OperandPlan, b: Band, rb: number): { inst: number; addr: number } {
    if (o.mode === 'sram') {
      const inst = this.regionInstance(o.region!);
      return { inst, addr: this.instances[inst]!.offset + b.r0 * rb };
    }
    const stage = this.regions.get(o.stage[b.index % o.stage.length]!)!;
    const inst = this.newInstance('act', stage.offset, alignUp((b.r1 - b.r0) * rb), o.tensor, `${stage.name} band ${b.index}`);
    return { inst, addr: stage.offset };
  }

  // ---------------------------------------------------------------- buffers and DRAM areas

  private regionInstance(name: string): number {
    const known = this.regionInst.get(name);
    if (known !== undefined) return known;
    const r = this.regions.get(name);
    if (!r) throw new Error(`npu program: no SRAM region '${name}' in the memory policy`);
    const id = this.newInstance('act', r.offset, r.size, r.tensor, name);
    this.regionInst.set(name, id);
    return id;
  }

  private weightInstance(layer: string, tile: number, bytes: number): number {
    const slot = this.wloads++ % 2;
    return this.newInstance('wgt', slot * this.opts.weightSlotBytes, alignUp(bytes), null, `${layer} tile ${tile} (slot ${slot})`);
  }

  private newInstance(space: 'act' | 'wgt', offset: number, bytes: number, tensor: string | null, label: string): number {
    const id = this.instances.length;
    this.instances.push({ id, space, offset, bytes, tensor, label, tasks: [] });
    return id;
  }

  private area(bytes: number): { id: number; addr: number } {
    const a = { id: this.nextArea++, addr: this.dramTop };
    this.dramTop = alignUp(this.dramTop + bytes, PAGE);
    return a;
  }

  /** A tensor's DRAM home (the network input and outputs, and tensors that stream through DRAM). */
  private home(tensor: string): { id: number; addr: number } {
    let a = this.homeArea.get(tensor);
    if (!a) this.homeArea.set(tensor, (a = this.area(this.net.tensors[tensor]!.bytes)));
    return a;
  }

  /** Where a skip tensor is spilled (the network input needs no spill: it is filled from its home). */
  private spill(skip: number, tensor: string): { id: number; addr: number } {
    if (this.policy.storages[this.policy.skips[skip]!.storage]!.networkInput) return this.home(tensor);
    let a = this.spillArea.get(skip);
    if (!a) this.spillArea.set(skip, (a = this.area(this.net.tensors[tensor]!.bytes)));
    return a;
  }

  // ---------------------------------------------------------------- tasks

  private task(t: Omit<MacTask, 'id' | 'seq' | 'needs'> | Omit<VecTask, 'id' | 'seq' | 'needs'>): void {
    const full = { ...t, id: this.tasks.length, seq: this.queues[t.unit].length, needs: [-1, -1, -1, -1, -1] } as Task;
    this.push(full);
    if (t.unit === 'mac' || t.unit === 'vec') this.computeTasks[t.op]!.push(full.id);
  }

  private dma(
    unit: 'load' | 'store' | 'wload',
    dir: 'load' | 'store',
    op: number,
    label: string,
    area: { id: number; addr: number },
    offset: number,
    inst: number,
    bytes: number,
    lead: CauseRun[],
    main: Cause,
    attributeTo: number,
  ): void {
    const bursts = Math.ceil(bytes / NPU_ALIGN);
    const leadBursts = lead.reduce((s, r) => s + r.bursts, 0);
    const causes = leadBursts < bursts ? [...lead, { bursts: bursts - leadBursts, cause: main }] : lead;
    const i = this.instances[inst]!;
    const t: DmaTask = {
      unit, dir, op, label, id: this.tasks.length, seq: this.queues[unit].length, needs: [-1, -1, -1, -1, -1],
      reads: dir === 'store' ? [inst] : [], writes: dir === 'load' ? [inst] : [],
      dramAddr: area.addr + offset, sramAddr: i.offset, bytes, causes, attributeTo, dramArea: area.id,
    };
    if (bytes > i.bytes) throw new Error(`npu program: ${label}: ${bytes} bytes do not fit buffer '${i.label}' (${i.bytes} bytes)`);
    this.push(t);
  }

  private push(t: Task): void {
    this.tasks.push(t);
    this.queues[t.unit].push(t);
    for (const inst of new Set([...t.reads, ...t.writes])) this.instances[inst]!.tasks.push(t.id);
  }

  private resolveDependencies(): void {
    const { tasks, instances } = this;
    const need = (t: Task, dep: Task) => {
      const u = UNIT_INDEX[dep.unit];
      if (dep.id < t.id && dep.seq > t.needs[u]!) t.needs[u] = dep.seq;
    };
    // summary per instance: the last seq of each unit among its tasks
    const last = instances.map((inst) => {
      const m = [-1, -1, -1, -1, -1];
      for (const id of inst.tasks) {
        const t = tasks[id]!;
        m[UNIT_INDEX[t.unit]] = Math.max(m[UNIT_INDEX[t.unit]]!, t.seq);
      }
      return m;
    });
    // buffer reuse: writers wait for every earlier occupant of an overlapping range
    const bySpace: Record<Space, Instance[]> = { act: [], wgt: [] };
    for (const inst of instances) {
      const wait = [-1, -1, -1, -1, -1];
      for (const prev of bySpace[inst.space]) {
        if (prev.offset < inst.offset + inst.bytes && inst.offset < prev.offset + prev.bytes) {
          const m = last[prev.id]!;
          for (let u = 0; u < 5; u++) if (m[u]! > wait[u]!) wait[u] = m[u]!;
        }
      }
      bySpace[inst.space].push(inst);
      for (const id of inst.tasks) {
        const t = tasks[id]!;
        if (!t.writes.includes(inst.id)) continue;
        for (let u = 0; u < 5; u++) if (wait[u]! > t.needs[u]!) t.needs[u] = wait[u]!;
      }
    }
    // RAW in SRAM: readers wait for the earlier writers of what they read
    for (const inst of instances) {
      const writers = inst.tasks.map((id) => tasks[id]!).filter((t) => t.writes.includes(inst.id));
      for (const id of inst.tasks) {
        const t = tasks[id]!;
        if (!t.reads.includes(inst.id)) continue;
        for (const w of writers) need(t, w);
      }
    }
    // RAW in DRAM: a load waits for the earlier stores to the same DRAM tensor
    const stores = new Map<number, DmaTask[]>();
    for (const t of tasks) {
      if (t.unit === 'store') {
        if (!stores.has(t.dramArea)) stores.set(t.dramArea, []);
        stores.get(t.dramArea)!.push(t);
      } else if (t.unit === 'load') {
        for (const s of stores.get(t.dramArea) ?? []) need(t, s);
      }
    }
  }
}
