// NPU memory scenarios: a network on the NPU at one SRAM size, simulated end to end, and the report
// of what the memory system cost. Every number in the report comes from the simulation's counters
// (npu-system.ts); the analytic references (roofline.ts) are given beside them under names that say so.
import { planMemory, type MemoryPolicy, type PolicyMode } from '../../hw/npu/memory-policy.ts';
import { npuConfig, type NpuConfig } from '../../hw/npu/npu-config.ts';
import { idleBreakdown, type IdleCycles } from '../../hw/npu/npu-idle.ts';
import { buildProgram, type NpuProgram } from '../../hw/npu/npu-program.ts';
import { runNpu, type NpuRunOptions, type NpuRunStats } from '../../hw/npu/npu-system.ts';
import type { CauseBytes } from '../../hw/npu/npu-dram-tap.ts';
import { weightTiles } from '../../hw/npu/npu-tiling.ts';
import { DRAM_PARAMS, peakBandwidthBytesPerSec, type DramName } from '../../hw/npu/dram-params.ts';
import type { TraceSink } from '../../sim/trace.ts';
import { elements, resnet18, resnet50Conv2x, validateNetwork, vgg, type Layer, type Network } from './networks.ts';
import { planBest } from './planner.ts';
import { elementwiseAddIntensity, layerIntensity } from './roofline.ts';

export const NETWORK_NAMES = ['vgg', 'resnet18', 'resnet50-stage', 'plain18'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** Default input resolution per network: each default run takes seconds (see docs/npu-results.md). */
export const DEFAULT_INPUT_SIZE: Readonly<Record<NetworkName, number>> = { vgg: 112, resnet18: 112, 'resnet50-stage': 56, plain18: 112 };

/** The layer list of a named network (batch 1, int8, HWC). */
export function buildNetwork(name: NetworkName, inputSize?: number, widthDivisor = 1): Network {
  const o = { inputSize: inputSize ?? DEFAULT_INPUT_SIZE[name], widthDivisor };
  switch (name) {
    case 'vgg':
      return vgg(o);
    case 'resnet18':
      return resnet18(o);
    case 'resnet50-stage':
      return resnet50Conv2x(o);
    case 'plain18':
      return withoutSkips(resnet18(o), 'plain18');
  }
  throw new Error(`network: expected one of ${NETWORK_NAMES.join(', ')}, got '${String(name)}'`);
}

/**
 * The same network with its skip connections removed (He et al.'s "plain" baseline): every add and
 * projection disappears and the block's last conv takes the add's ReLU. Same convs, same weights but
 * the projections': the chain to compare a residual network with.
 */
export function withoutSkips(net: Network, name: string): Network {
  const rename = new Map<string, string>();
  const layers: Layer[] = [];
  const drop = new Set(net.layers.filter((l) => l.kind === 'add').flatMap((l) => [l.name, ...l.inputs.filter((t) => t.endsWith('.downsample'))]));
  for (const l of net.layers) {
    if (l.kind === 'add') {
      rename.set(l.output, rename.get(l.inputs[0]!) ?? l.inputs[0]!);
      const main = layers.findIndex((x) => x.output === (rename.get(l.inputs[0]!) ?? l.inputs[0]!));
      if (main >= 0) layers[main] = { ...layers[main]!, relu: l.relu || layers[main]!.relu };
      continue;
    }
    if (drop.has(l.name)) continue;
    const inputs = l.inputs.map((t) => rename.get(t) ?? t);
    layers.push({ ...l, inputs });
  }
  const used = new Set([net.input, ...layers.map((l) => l.output)]);
  const tensors = Object.fromEntries(Object.entries(net.tensors).filter(([t]) => used.has(t)));
  const outputs = net.outputs.map((t) => rename.get(t) ?? t);
  const plain: Network = { name, input: net.input, outputs, tensors, layers };
  validateNetwork(plain);
  return plain;
}

export interface ScenarioOptions {
  readonly network: NetworkName;
  readonly sramBytes: number;
  readonly dram?: DramName;
  readonly inputSize?: number;
  /** Divide every channel count (fast tests); 1 for the real network. */
  readonly widthDivisor?: number;
  readonly policy?: PolicyMode;
  /** NPU parameter overrides (array, weight buffer, SRAM ports...). */
  readonly npu?: Partial<NpuConfig>;
  readonly trace?: TraceSink;
  readonly onProgress?: NpuRunOptions['onProgress'];
}

export interface SkipReport {
  /** The tensor held across the gap, its size, the layer that made it and the layer that closes the skip. */
  readonly tensor: string;
  readonly bytes: number;
  readonly producer: string;
  readonly closer: string;
  readonly spilled: boolean;
  readonly fill: 'prefetch' | 'jit' | 'stream' | null;
  /** Cycles from the end of the producing layer to the start of the closing layer (the add, or the projection). */
  readonly lifetimeCycles: number;
  /** Cycles of that lifetime during which it had a buffer in SRAM (less than the lifetime when spilled). */
  readonly sramCycles: number;
}

export interface LayerReport {
  readonly index: number;
  readonly name: string;
  readonly kind: Layer['kind'];
  /** 'mac' for conv/matmul (ops = MACs), 'element' for add/relu/pool (ops = element operations). */
  readonly opUnit: 'mac' | 'element';
  readonly ops: number;
  /**
   * The layer's window: from the first start to the last finish of its tasks, its DMA included (weight
   * prefetch, band loads and stores; a skip's spill and fill count for the layer that closes the skip).
   * All of its DRAM bytes move inside the window, so ops / cycles lies under the DRAM roof.
   */
  readonly startCycle: number;
  readonly endCycle: number;
  readonly cycles: number;
  /** Edges its compute unit (MAC array or vector unit) was busy on it. */
  readonly computeCycles: number;
  readonly bands: number;
  readonly bandRows: number;
  readonly weightTiles: number;
  /** Where its inputs and output were: 'sram' or 'stream' (row bands through DRAM). */
  readonly inputs: readonly ('sram' | 'stream')[];
  readonly output: 'sram' | 'stream';
  readonly dramBytes: number;
  readonly dramByCause: CauseBytes;
  /** ops / DRAM bytes (null when the layer moved no DRAM byte); ops per cycle achieved. */
  readonly intensity: number | null;
  readonly opsPerCycle: number;
  /** roofline.ts's intensity if each of its tensors and weights crossed DRAM once (reference). */
  readonly analyticIntensity: number;
}

export interface NpuReport {
  readonly network: NetworkName;
  readonly model: string;
  readonly inputSize: number;
  readonly widthDivisor: number;
  readonly policy: PolicyMode;
  readonly dram: DramName;
  readonly sramBytes: number;
  readonly npu: {
    readonly clockGHz: number;
    readonly array: string;
    readonly peakMacsPerCycle: number;
    readonly vectorLanes: number;
    /** Operand words the vector unit reads per cycle: an add makes one output word per cycle, a pool up to this many window words. */
    readonly vectorReadsPerCycle: number;
    readonly weightBufferBytes: number;
    readonly sramWordBytes: number;
    readonly sramBanks: number;
    readonly sramPorts: string;
    readonly dramPeakGBps: number;
  };
  readonly cycles: number;
  readonly timeUs: number;
  readonly macs: number;
  readonly macUtilisation: number;
  readonly bounds: {
    /** MAC-array busy cycles (one array: the run cannot be shorter). */
    readonly computeCycles: number;
    /** MACs / (rows x cols): the array at 100% utilisation. */
    readonly idealComputeCycles: number;
    /** DRAM bytes at peak bandwidth, in NPU cycles. */
    readonly dramCycles: number;
  };
  readonly dramTraffic: {
    readonly bytes: number;
    readonly readBytes: number;
    readonly writeBytes: number;
    readonly byCause: CauseBytes;
    /** Everything but weights. */
    readonly activationBytes: number;
    readonly averageGBps: number;
    readonly rowHitRate: number;
  };
  readonly sram: {
    readonly peakLiveBytes: number;
    readonly arenaBytes: number;
    readonly plannerStrategy: string;
    readonly liveLowerBound: number;
    readonly maxLiveTensors: number;
    readonly weightBufferPeakBytes: number;
    readonly bankConflicts: number;
  };
  readonly skips: readonly SkipReport[];
  readonly skipSpillBytes: number;
  readonly skipFillBytes: number;
  /** Extra reads of skip tensors that live in DRAM by the layer that closes the skip. */
  readonly skipRereadBytes: number;
  readonly adder: {
    readonly jobs: number;
    readonly ops: number;
    /** SRAM bytes the adds moved (2 reads + 1 write per element) and ops / bytes. */
    readonly sramBytes: number;
    readonly intensity: number | null;
    /** roofline.ts's 1/3 op/B for an int8 add (reference). */
    readonly analyticIntensity: number;
    /** DRAM bytes of the add layers (fills, spills and streamed operands) and ops / those bytes. */
    readonly dramBytes: number;
    readonly dramIntensity: number | null;
    readonly busyCycles: number;
    /** Busy edges with nothing issued (SRAM port conflicts, read latency). */
    readonly stallCycles: number;
    /** Idle edges of the vector unit waiting for the fill of a spilled skip tensor, beyond its other inputs. */
    readonly waitFillCycles: number;
  };
  readonly macIdle: IdleCycles;
  readonly vectorIdle: IdleCycles;
  /** MAC-array idle cycles charged to the adder, and their share of all cycles. */
  readonly macWaitsAdderCycles: number;
  readonly macWaitsAdderShare: number;
  readonly layers: readonly LayerReport[];
  readonly wallSeconds: number;
}

export interface ScenarioRun {
  readonly report: NpuReport;
  readonly network: Network;
  readonly policy: MemoryPolicy;
  readonly program: NpuProgram;
  readonly stats: NpuRunStats;
  readonly config: NpuConfig;
}

/** Plan, build and simulate one network at one SRAM size. */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioRun> {
  const net = buildNetwork(o.network, o.inputSize, o.widthDivisor ?? 1);
  const config = npuConfig({ ...o.npu, sramBytes: o.sramBytes, dram: o.dram ?? o.npu?.dram ?? 'ddr4-3200' });
  const policy = planMemory(net, { sramBytes: config.sramBytes, mode: o.policy ?? 'auto', planner: (b) => planBest(b).best });
  const program = buildProgram(net, policy, { array: config.array, weightSlotBytes: config.weightSlotBytes, wordBytes: config.sramWordBytes });
  const stats = await runNpu(config, program, net.layers.length, { trace: o.trace, onProgress: o.onProgress });
  const report = assemble(o, net, config, policy, program, stats);
  return { report, network: net, policy, program, stats, config };
}

function assemble(o: ScenarioOptions, net: Network, config: NpuConfig, policy: MemoryPolicy, program: NpuProgram, st: NpuRunStats): NpuReport {
  const peakMacs = config.array.rows * config.array.cols;
  const dramPeak = peakBandwidthBytesPerSec(DRAM_PARAMS[config.dram]);
  const bytesPerCycle = (dramPeak * st.periodNs) / 1e9;
  const total = st.dram.bytesRead + st.dram.bytesWritten;
  const macIdle = idleBreakdown(program, 'mac', st.started, st.done, st.cycles);
  const vecIdle = idleBreakdown(program, 'vec', st.started, st.done, st.cycles);

  const tasksOf: number[][] = net.layers.map(() => []);
  for (const t of program.tasks) {
    const layer = t.unit === 'mac' || t.unit === 'vec' ? t.op : t.attributeTo;
    if (layer >= 0) tasksOf[layer]!.push(t.id);
  }
  const layers: LayerReport[] = net.layers.map((l, i) => {
    const compute = program.computeTasks[i]!;
    const start = Math.min(...tasksOf[i]!.map((t) => st.started[t]!));
    const end = Math.max(...tasksOf[i]!.map((t) => st.done[t]!));
    const ops = compute.reduce((s, t) => s + st.ops[t]!, 0);
    const byCause = st.byLayer[i]!;
    const dramBytes = Object.values(byCause).reduce((s, b) => s + b, 0);
    const op = policy.ops[i]!;
    return {
      index: i,
      name: l.name,
      kind: l.kind,
      opUnit: l.kind === 'conv' || l.kind === 'matmul' ? 'mac' : 'element',
      ops,
      startCycle: start,
      endCycle: end,
      cycles: end - start,
      computeCycles: compute.reduce((s, t) => s + st.done[t]! - st.started[t]!, 0),
      bands: op.bands,
      bandRows: op.bandRows,
      weightTiles: weightTiles(l, config.weightSlotBytes, config.array).length,
      inputs: l.inputs.map((t) => op.inputs.find((x) => x.tensor === t)!.mode),
      output: op.output.mode,
      dramBytes,
      dramByCause: { ...byCause },
      intensity: dramBytes > 0 ? ops / dramBytes : null,
      opsPerCycle: ops / Math.max(1, end - start),
      analyticIntensity: layerIntensity(l),
    };
  });

  const regionInstance = new Map(program.instances.map((inst) => [inst.label, inst.id]));
  const skips: SkipReport[] = policy.skips.map((k, j) => {
    const ends = program.skipEnds[j]!;
    const produced = ends.producerTasks.length ? Math.max(...ends.producerTasks.map((t) => st.done[t]!)) : inputLoadDone(program, st);
    const closing = Math.min(...ends.consumerTasks.map((t) => st.started[t]!));
    // edges of [produced, closing) at which the tensor had a buffer in SRAM (both pieces when spilled)
    const sramCycles = policy.regions
      .filter((r) => r.storage === k.storage && r.kind !== 'stage')
      .reduce((s, r) => {
        const id = regionInstance.get(r.name);
        return id === undefined ? s : s + Math.max(0, Math.min(st.deadAt[id]!, closing) - Math.max(st.liveFrom[id]!, produced));
      }, 0);
    const live = k.spilled && policy.storages[k.storage]!.home === 'sram';
    return {
      tensor: k.tensor,
      bytes: k.bytes,
      producer: k.producer < 0 ? '(input)' : net.layers[k.producer]!.name,
      closer: net.layers[k.before]!.name,
      spilled: live,
      fill: live ? k.fill : null,
      lifetimeCycles: closing - produced,
      sramCycles,
    };
  });

  const adds = st.vecJobs.filter((j) => j.kind === 'add');
  const addOps = adds.reduce((s, j) => s + j.ops, 0);
  const addBytes = adds.reduce((s, j) => s + j.bytesRead + j.bytesWritten, 0);
  const addLayers = layers.filter((l) => l.kind === 'add');
  const addDram = addLayers.reduce((s, l) => s + l.dramBytes, 0);
  const addElements = net.layers.filter((l) => l.kind === 'add').reduce((s, l) => s + elements(l.outShape), 0);
  const hits = st.dram.rowHits + st.dram.rowMisses + st.dram.rowConflicts;

  return {
    network: o.network,
    model: net.name,
    inputSize: o.inputSize ?? DEFAULT_INPUT_SIZE[o.network],
    widthDivisor: o.widthDivisor ?? 1,
    policy: policy.mode,
    dram: config.dram,
    sramBytes: config.sramBytes,
    npu: {
      clockGHz: 1000 / config.clockPeriodPs,
      array: `${config.array.rows}x${config.array.cols} ${config.array.dataflow}`,
      peakMacsPerCycle: peakMacs,
      vectorLanes: config.sramWordBytes,
      vectorReadsPerCycle: st.vectorReadsPerCycle,
      weightBufferBytes: 2 * config.weightSlotBytes,
      sramWordBytes: config.sramWordBytes,
      sramBanks: config.sramBanks,
      sramPorts: config.sramPorts,
      dramPeakGBps: dramPeak / 1e9,
    },
    cycles: st.cycles,
    timeUs: (st.cycles * st.periodNs) / 1000,
    macs: st.compute.macs,
    macUtilisation: st.compute.macs / (peakMacs * st.cycles),
    bounds: {
      computeCycles: st.compute.busyCycles,
      idealComputeCycles: st.compute.macs / peakMacs,
      dramCycles: total / bytesPerCycle,
    },
    dramTraffic: {
      bytes: total,
      readBytes: st.dram.bytesRead,
      writeBytes: st.dram.bytesWritten,
      byCause: { ...st.byCause },
      activationBytes: total - st.byCause.weights,
      averageGBps: total / (st.cycles * st.periodNs),
      rowHitRate: hits > 0 ? st.dram.rowHits / hits : 0,
    },
    sram: {
      peakLiveBytes: st.peakActLive,
      arenaBytes: policy.arenaBytes,
      plannerStrategy: policy.strategy,
      liveLowerBound: policy.liveLowerBound,
      maxLiveTensors: st.peakLiveTensors,
      weightBufferPeakBytes: st.peakWgtLive,
      bankConflicts: st.sram.conflicts,
    },
    skips,
    skipSpillBytes: st.byCause.skipSpill,
    skipFillBytes: st.byCause.skipFill,
    skipRereadBytes: st.byCause.skipReread,
    adder: {
      jobs: adds.length,
      ops: addOps,
      sramBytes: addBytes,
      intensity: addBytes > 0 ? addOps / addBytes : null,
      analyticIntensity: addElements > 0 ? elementwiseAddIntensity(addElements, 1) : 1 / 3,
      dramBytes: addDram,
      dramIntensity: addDram > 0 ? addOps / addDram : null,
      busyCycles: adds.reduce((s, j) => s + j.busyCycles, 0),
      stallCycles: adds.reduce((s, j) => s + j.stallCycles, 0),
      waitFillCycles: vecIdle.idle.fill,
    },
    macIdle: macIdle.idle,
    vectorIdle: vecIdle.idle,
    macWaitsAdderCycles: macIdle.idle.adder,
    macWaitsAdderShare: macIdle.idle.adder / st.cycles,
    layers,
    wallSeconds: st.wallSeconds,
  };
}

function inputLoadDone(program: NpuProgram, st: NpuRunStats): number {
  const t = program.queues.load.find((x) => x.op === -1);
  return t ? st.done[t.id]! : 0;
}
