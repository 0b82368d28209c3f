// Memory policy of the NPU controller: which activation tensors live in SRAM, which are spilled and
// filled back, which stream through DRAM in row bands, and where every SRAM buffer sits.
//
//  - Storage: a tensor's buffer. An element-wise op (add, ReLU) writes in place over its first input when
//    that input dies there (Y = F(X) + X overwrites F(X)), so a chain of such tensors shares one storage.
//  - Lifetime: the ops (indices, inclusive) that read or write a storage. A chain network needs two
//    storages at each op (input and output: ping-pong). A skip connection leaves a gap in X's uses
//    (read by the block's first conv, next read by the add): X is held across the gap.
//  - Policy 'auto' starts with everything in SRAM and, while an op does not fit, demotes at that op, in
//    order: (a) a fill prefetched for the next op starts just in time instead; (b) a tensor held across
//    a gap is spilled to DRAM after it is produced and filled back before its next use; (c) the largest
//    operand of the op moves to DRAM (a spilled tensor's fill is streamed instead; otherwise the storage's
//    home becomes DRAM and every op using it streams it in row bands). Ops with streamed operands run in
//    bands as tall as the space left allows (npu-tiling.ts), double-buffered.
//  - Policy 'stream' keeps no tensor in SRAM: every op streams its inputs from DRAM and its output to
//    DRAM (the roofline's "each tensor crosses DRAM once" baseline).
//  - Placement: every SRAM buffer (storage segment, fill copy, staging buffer) is a planner buffer with
//    an op lifetime; the injected planner (testbench's planBest) gives the offsets. If its arena exceeds
//    the SRAM (fragmentation), the op where it overflows gets less staging space, or a demotion.
import { NPU_ALIGN, alignUp } from './npu-config.ts';
import { shapeBytes, type NpuLayer, type NpuNetwork } from './npu-network.ts';
import { bandRowQuantum, bandRowRange, bands, inputStageBytes, outputStageBytes } from './npu-tiling.ts';

/** The SRAM cannot hold what one layer needs even in one-row bands. */
export class SramTooSmallError extends Error {
  constructor(
    message: string,
    readonly layer: string,
  ) {
    super(message);
    this.name = 'SramTooSmallError';
  }
}

/** A buffer alive from op firstUse to op lastUse (inclusive): the planner's input. */
export interface PolicyBuffer {
  readonly name: string;
  readonly size: number;
  readonly firstUse: number;
  readonly lastUse: number;
}

export interface PolicyPlan {
  readonly strategy: string;
  readonly offsets: Readonly<Record<string, number>>;
  readonly peak: number;
}

export type Planner = (buffers: readonly PolicyBuffer[]) => PolicyPlan;

export type PolicyMode = 'auto' | 'stream';

export interface MemoryPolicyOptions {
  readonly sramBytes: number;
  readonly mode?: PolicyMode;
  readonly planner: Planner;
  /** Element-wise ops write in place over their first input when it dies there (default true). */
  readonly inPlace?: boolean;
  readonly maxIterations?: number;
}

export interface Storage {
  readonly index: number;
  /** Tensors sharing the buffer, in production order. */
  readonly members: string[];
  /** Aligned size of the largest member. */
  readonly bytes: number;
  /** Ops that read or write a member, ascending. */
  readonly uses: number[];
  readonly networkInput: boolean;
  readonly networkOutput: boolean;
  home: 'sram' | 'dram';
}

export type FillMode = 'prefetch' | 'jit' | 'stream';

/** A storage held across a gap in its uses: a skip tensor (X until the add, or until the projection). */
export interface Skip {
  readonly index: number;
  readonly storage: number;
  /** The tensor read after the gap. */
  readonly tensor: string;
  readonly bytes: number;
  /** Op that produced it (-1: the network input, already in DRAM). */
  readonly producer: number;
  /** Last use before the gap and first use after it. */
  readonly after: number;
  readonly before: number;
  spilled: boolean;
  /** How a spilled tensor comes back: during the op before its use, just before it, or in bands. */
  fill: FillMode;
}

export interface OperandPlan {
  readonly tensor: string;
  readonly storage: number;
  readonly mode: 'sram' | 'stream';
  /** A streamed input comes from the tensor's DRAM home or from its spill copy. */
  readonly source: 'home' | 'spill' | null;
  /** SRAM region holding the whole tensor (mode 'sram'). */
  readonly region: string | null;
  /** Staging buffers (mode 'stream'): one per band in flight (1 or 2). */
  readonly stage: readonly string[];
}

export interface OpPlan {
  readonly op: number;
  readonly layer: NpuLayer;
  /** Output rows per band (the layer's height when it runs in one pass). */
  readonly bandRows: number;
  readonly bands: number;
  /** One entry per distinct input tensor, in the layer's input order. */
  readonly inputs: readonly OperandPlan[];
  readonly output: OperandPlan;
}

export type RegionKind = 'tensor' | 'fill' | 'stage';

export interface Region extends PolicyBuffer {
  readonly kind: RegionKind;
  readonly tensor: string;
  readonly storage: number;
  readonly offset: number;
}

export interface MemoryPolicy {
  readonly mode: PolicyMode;
  readonly sramBytes: number;
  readonly storages: readonly Storage[];
  readonly storageOf: Readonly<Record<string, number>>;
  readonly skips: readonly Skip[];
  readonly ops: readonly OpPlan[];
  readonly regions: readonly Region[];
  /** Arena of the planner's placement (<= sramBytes) and the placement strategy that won. */
  readonly arenaBytes: number;
  readonly strategy: string;
  /** Largest sum of buffers alive at one op: no placement can beat it. */
  readonly liveLowerBound: number;
  readonly iterations: number;
}

interface Segment {
  storage: number;
  index: number;
  first: number;
  last: number;
  /** The uses inside the segment. */
  uses: number[];
  kind: 'tensor' | 'fill';
  /** Streamed fill: no SRAM region. */
  streamed: boolean;
}

interface OpSpace {
  streamedInputs: number[];
  streamOutput: boolean;
}

/**
 * Decide homes, spills, fills, band heights and placement for `net` on an SRAM of `sramBytes`.
 * Throws naming the layer when even one-row bands of it do not fit.
 */
export function planMemory(net: NpuNetwork, options: MemoryPolicyOptions): MemoryPolicy {
  const C = options.sramBytes;
  if (!Number.isSafeInteger(C) || C < NPU_ALIGN) throw new Error(`memory policy sramBytes: expected an integer >= ${NPU_ALIGN}, got ${C}`);
  const mode = options.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'stream') throw new Error(`memory policy mode: expected 'auto' or 'stream', got '${String(mode)}'`);
  const layers = net.layers;
  const { storages, storageOf } = buildStorages(net, options.inPlace ?? true);
  const skips = findSkips(net, storages);
  if (mode === 'stream') for (const s of storages) s.home = 'dram';

  const slack = new Array<number>(layers.length).fill(0);
  const maxIt = options.maxIterations ?? 2000;
  for (let it = 1; it <= maxIt; it++) {
    const segments = buildSegments(storages, skips);
    const space = layers.map((l, i) => operandSpace(l, i, storages, storageOf, segments));
    const resident = residentBytes(layers.length, segments, storages);
    // band heights from the space each op has left
    const rows: number[] = [];
    let overflow = -1;
    for (let i = 0; i < layers.length && overflow < 0; i++) {
      const r = chooseRows(layers[i]!, space[i]!, C - resident[i]! - slack[i]!);
      if (r === null) overflow = i;
      else rows.push(r);
    }
    if (overflow >= 0) {
      if (!demote(overflow, layers, storages, storageOf, skips, segments)) throw tooSmall(net, layers, overflow, C, resident[overflow]!);
      continue;
    }
    const regions = buildRegions(layers, storages, storageOf, segments, space, rows);
    const plan = options.planner(regions);
    if (plan.peak <= C) {
      const placed: Region[] = regions.map((r) => ({ ...r, offset: plan.offsets[r.name]! }));
      return {
        mode,
        sramBytes: C,
        storages,
        storageOf,
        skips,
        ops: opPlans(layers, storages, storageOf, segments, space, rows),
        regions: placed,
        arenaBytes: plan.peak,
        strategy: plan.strategy,
        liveLowerBound: liveLowerBound(regions),
        iterations: it,
      };
    }
    // Fragmentation: find the busiest op under a buffer that sticks out, and free space there.
    const over = regions.filter((r) => plan.offsets[r.name]! + r.size > C);
    let worst = -1;
    let worstLive = -1;
    const live = liveByOp(regions, layers.length);
    for (const r of over) {
      for (let i = r.firstUse; i <= r.lastUse; i++) {
        if (live[i]! > worstLive) {
          worstLive = live[i]!;
          worst = i;
        }
      }
    }
    const sp = space[worst]!;
    const hasStage = sp.streamOutput || sp.streamedInputs.length > 0;
    const minRows = bandRowRange(layers[worst]!).min;
    if (hasStage && rows[worst]! > minRows) slack[worst]! += alignUp(plan.peak - C);
    else if (!demote(worst, layers, storages, storageOf, skips, segments)) throw tooSmall(net, layers, worst, C, resident[worst]!);
  }
  throw new Error(`memory policy: no placement of '${net.name}' in ${C} bytes of SRAM after ${maxIt} iterations`);
}

// ---------------------------------------------------------------- storages and skips

function buildStorages(net: NpuNetwork, inPlace: boolean): { storages: Storage[]; storageOf: Record<string, number> } {
  const consumers = new Map<string, number[]>();
  const producer = new Map<string, number>();
  net.layers.forEach((l, i) => {
    for (const t of new Set(l.inputs)) {
      if (!consumers.has(t)) consumers.set(t, []);
      consumers.get(t)!.push(i);
    }
    producer.set(l.output, i);
  });
  const storages: Storage[] = [];
  const storageOf: Record<string, number> = {};
  const outputs = new Set(net.outputs);
  const add = (t: string, networkInput: boolean) => {
    storageOf[t] = storages.length;
    storages.push({ index: storages.length, members: [t], bytes: 0, uses: [], networkInput, networkOutput: false, home: 'sram' });
  };
  add(net.input, true);
  net.layers.forEach((l, i) => {
    const a = l.inputs[0]!;
    const sa = storageOf[a];
    const elementwise = l.kind === 'add' || l.kind === 'relu';
    const dies = consumers.get(a)?.at(-1) === i;
    const own = sa !== undefined && storages[sa]!.members.at(-1) === a && !storages[sa]!.networkInput;
    if (inPlace && elementwise && dies && own && !outputs.has(a) && (l.kind !== 'add' || l.inputs[1] !== a)) {
      storages[sa].members.push(l.output);
      storageOf[l.output] = sa;
    } else {
      add(l.output, false);
    }
  });
  for (const s of storages) {
    const uses = new Set<number>();
    let bytes = 0;
    for (const t of s.members) {
      const p = producer.get(t);
      if (p !== undefined) uses.add(p);
      for (const c of consumers.get(t) ?? []) uses.add(c);
      bytes = Math.max(bytes, net.tensors[t]!.bytes);
      if (outputs.has(t)) (s as { networkOutput: boolean }).networkOutput = true;
    }
    (s as { bytes: number }).bytes = alignUp(bytes);
    s.uses.push(...[...uses].sort((x, y) => x - y));
  }
  return { storages, storageOf };
}

function findSkips(net: NpuNetwork, storages: readonly Storage[]): Skip[] {
  const skips: Skip[] = [];
  const producer = new Map<string, number>();
  net.layers.forEach((l, i) => producer.set(l.output, i));
  for (const s of storages) {
    for (let j = 0; j + 1 < s.uses.length; j++) {
      const after = s.uses[j]!;
      const before = s.uses[j + 1]!;
      if (before - after <= 1) continue;
      const tensor = net.layers[before]!.inputs.find((t) => s.members.includes(t));
      if (tensor === undefined) continue; // written, not read, after the gap: nothing to keep
      skips.push({
        index: skips.length,
        storage: s.index,
        tensor,
        bytes: net.tensors[tensor]!.bytes,
        producer: producer.get(tensor) ?? -1,
        after,
        before,
        spilled: false,
        fill: 'prefetch',
      });
    }
  }
  return skips;
}

/** SRAM segments of every SRAM-homed storage: split at spilled gaps. */
function buildSegments(storages: readonly Storage[], skips: readonly Skip[]): Segment[] {
  const segs: Segment[] = [];
  for (const s of storages) {
    if (s.home !== 'sram') continue;
    const cuts = skips.filter((k) => k.storage === s.index && k.spilled).sort((a, b) => a.after - b.after);
    let start = 0;
    let fill: Skip | null = null;
    const pieces = [...cuts.map((k) => ({ k, end: s.uses.indexOf(k.after) })), { k: null, end: s.uses.length - 1 }];
    for (const piece of pieces) {
      const uses = s.uses.slice(start, piece.end + 1);
      const first = fill === null ? uses[0]! : fill.fill === 'prefetch' ? fill.before - 1 : fill.before;
      segs.push({
        storage: s.index,
        index: segs.filter((g) => g.storage === s.index).length,
        first,
        last: uses.at(-1)!,
        uses,
        kind: fill === null ? 'tensor' : 'fill',
        streamed: fill !== null && fill.fill === 'stream',
      });
      start = piece.end + 1;
      fill = piece.k;
    }
  }
  return segs;
}

function segmentAt(segments: readonly Segment[], storage: number, op: number): Segment | undefined {
  return segments.find((g) => g.storage === storage && g.uses.includes(op));
}

function operandSpace(l: NpuLayer, i: number, storages: readonly Storage[], storageOf: Record<string, number>, segments: readonly Segment[]): OpSpace {
  const streamedInputs: number[] = [];
  [...new Set(l.inputs)].forEach((t) => {
    const s = storages[storageOf[t]!]!;
    const seg = s.home === 'sram' ? segmentAt(segments, s.index, i) : undefined;
    if (s.home === 'dram' || seg === undefined || seg.streamed) streamedInputs.push(l.inputs.indexOf(t));
  });
  return { streamedInputs, streamOutput: storages[storageOf[l.output]!]!.home === 'dram' };
}

function residentBytes(n: number, segments: readonly Segment[], storages: readonly Storage[]): number[] {
  const r = new Array<number>(n).fill(0);
  for (const g of segments) {
    if (g.streamed) continue;
    for (let i = g.first; i <= g.last; i++) r[i]! += storages[g.storage]!.bytes;
  }
  return r;
}

function stagingBytes(l: NpuLayer, sp: OpSpace, rows: number): number {
  const n = Math.min(2, bands(l, rows).length);
  let b = 0;
  for (const j of sp.streamedInputs) b += n * inputStageBytes(l, j, rows);
  if (sp.streamOutput) b += n * outputStageBytes(l, rows);
  return b;
}

/** Tallest band that fits `budget` bytes of staging (null if none does). */
function chooseRows(l: NpuLayer, sp: OpSpace, budget: number): number | null {
  const { min, max } = bandRowRange(l);
  if (sp.streamedInputs.length === 0 && !sp.streamOutput) return budget >= 0 ? max : null;
  if (stagingBytes(l, sp, max) <= budget) return max;
  const q = bandRowQuantum(l);
  for (let r = Math.floor((max - 1) / q) * q; r >= min; r -= q) if (r > 0 && stagingBytes(l, sp, r) <= budget) return r;
  return null;
}

// ---------------------------------------------------------------- demotion

/** Free SRAM at op i by one policy step; false when nothing is left to demote. */
function demote(i: number, layers: readonly NpuLayer[], storages: Storage[], storageOf: Record<string, number>, skips: Skip[], segments: readonly Segment[]): boolean {
  // (a) a fill prefetched during op i for op i+1: fetch it just in time instead
  const pre = skips.find((k) => k.spilled && k.fill === 'prefetch' && k.before - 1 === i && storages[k.storage]!.home === 'sram');
  if (pre) {
    pre.fill = 'jit';
    return true;
  }
  // (b) a tensor held across op i: spill it (the largest first)
  const held = skips
    .filter((k) => !k.spilled && k.after < i && i < k.before && storages[k.storage]!.home === 'sram')
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (held) {
    held.spilled = true;
    return true;
  }
  // (c) the largest operand of op i that is in SRAM moves to DRAM
  const l = layers[i]!;
  const cands = [...new Set([...l.inputs, l.output])]
    .map((t) => storages[storageOf[t]!]!)
    .filter((s) => s.home === 'sram')
    .filter((s) => {
      const g = segmentAt(segments, s.index, i);
      return g === undefined || !g.streamed;
    })
    .sort((a, b) => b.bytes - a.bytes);
  const s = cands[0];
  if (!s) return false;
  const g = segmentAt(segments, s.index, i);
  const fill = g && g.kind === 'fill' && g.uses.length === 1 ? skips.find((k) => k.storage === s.index && k.spilled && k.before === g.uses[0]) : undefined;
  if (fill) fill.fill = 'stream';
  else s.home = 'dram';
  return true;
}

function tooSmall(net: NpuNetwork, layers: readonly NpuLayer[], i: number, C: number, resident: number): Error {
  const l = layers[i]!;
  const need = l.inputs.reduce((s, t) => s + net.tensors[t]!.bytes, 0) + shapeBytes(l.outShape);
  return new SramTooSmallError(
    `${C} bytes of SRAM are too few to run layer '${l.name}' of '${net.name}' even in one-row bands ` +
      `(${resident} bytes held there, its operands are ${need} bytes); give more SRAM`,
    l.name,
  );
}

// ---------------------------------------------------------------- regions and op plans

const segName = (storages: readonly Storage[], g: Segment) => `${storages[g.storage]!.members[0]}#${g.index}`;
const stageName = (i: number, which: string, slot: number) => `op${i}.${which}.stage${slot}`;

function buildRegions(
  layers: readonly NpuLayer[],
  storages: readonly Storage[],
  storageOf: Record<string, number>,
  segments: readonly Segment[],
  space: readonly OpSpace[],
  rows: readonly number[],
): Region[] {
  const out: Region[] = [];
  for (const g of segments) {
    if (g.streamed) continue;
    const s = storages[g.storage]!;
    out.push({ name: segName(storages, g), size: s.bytes, firstUse: g.first, lastUse: g.last, kind: g.kind, tensor: s.members[0]!, storage: s.index, offset: -1 });
  }
  layers.forEach((l, i) => {
    const sp = space[i]!;
    const n = Math.min(2, bands(l, rows[i]!).length);
    for (const j of sp.streamedInputs) {
      const t = l.inputs[j]!;
      for (let slot = 0; slot < n; slot++) {
        out.push({ name: stageName(i, `in${j}`, slot), size: inputStageBytes(l, j, rows[i]!), firstUse: i, lastUse: i, kind: 'stage', tensor: t, storage: storageOf[t]!, offset: -1 });
      }
    }
    if (sp.streamOutput) {
      for (let slot = 0; slot < n; slot++) {
        out.push({ name: stageName(i, 'out', slot), size: outputStageBytes(l, rows[i]!), firstUse: i, lastUse: i, kind: 'stage', tensor: l.output, storage: storageOf[l.output]!, offset: -1 });
      }
    }
  });
  return out;
}

function opPlans(
  layers: readonly NpuLayer[],
  storages: readonly Storage[],
  storageOf: Record<string, number>,
  segments: readonly Segment[],
  space: readonly OpSpace[],
  rows: readonly number[],
): OpPlan[] {
  return layers.map((l, i) => {
    const sp = space[i]!;
    const n = Math.min(2, bands(l, rows[i]!).length);
    const operand = (t: string, streamed: boolean, which: string, isOutput: boolean): OperandPlan => {
      const s = storages[storageOf[t]!]!;
      if (!streamed) {
        const g = segmentAt(segments, s.index, i)!;
        return { tensor: t, storage: s.index, mode: 'sram', source: null, region: segName(storages, g), stage: [] };
      }
      const source = isOutput ? null : s.home === 'dram' ? 'home' : 'spill';
      return { tensor: t, storage: s.index, mode: 'stream', source, region: null, stage: Array.from({ length: n }, (_, k) => stageName(i, which, k)) };
    };
    const inputs = [...new Set(l.inputs)].map((t) => {
      const j = l.inputs.indexOf(t);
      return operand(t, sp.streamedInputs.includes(j), `in${j}`, false);
    });
    return { op: i, layer: l, bandRows: rows[i]!, bands: bands(l, rows[i]!).length, inputs, output: operand(l.output, sp.streamOutput, 'out', true) };
  });
}

function liveByOp(regions: readonly PolicyBuffer[], n: number): number[] {
  const live = new Array<number>(n).fill(0);
  for (const r of regions) for (let i = r.firstUse; i <= r.lastUse; i++) live[i]! += r.size;
  return live;
}

function liveLowerBound(regions: readonly PolicyBuffer[]): number {
  const n = Math.max(0, ...regions.map((r) => r.lastUse + 1));
  return Math.max(0, ...liveByOp(regions, n));
}
