// The whole NPU: one clock, the MAC array (ComputeUnit over the MacArray's closed form), the activation
// SRAM and the weight buffer, three DMA channels into one DRAM controller (its own clock domain), the
// vector unit, and the NpuController running a program. runNpu() simulates a program to the end and
// returns the raw counters; testbench/npu/scenario.ts turns them into a report.
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceSink } from '../../sim/trace.ts';
import { Watchdog } from '../../sim/watchdog.ts';
import { ComputeUnit, macArrayEngine } from './compute.ts';
import { Dma, DramImage, type DmaCounters } from './dma.ts';
import { DramController, type DramStats } from './dram-controller.ts';
import { NpuController, type VecJobStats } from './npu-controller.ts';
import type { NpuConfig } from './npu-config.ts';
import { DramTap, type CauseBytes } from './npu-dram-tap.ts';
import type { NpuProgram } from './npu-program.ts';
import { SramBanks, type SramCounters } from './sram.ts';
import { VectorUnit, type VectorCounters } from './vector-unit.ts';

/** The vector unit reads both operand words of an add per cycle. */
export const VECTOR_READS_PER_CYCLE = 2;

export interface NpuRunOptions {
  readonly trace?: TraceSink;
  /** Stop with an error after this many NPU cycles (default 2e8). */
  readonly maxCycles?: number;
  /** Called every `progressCycles` cycles with the tasks retired so far. */
  readonly onProgress?: (retired: number, total: number, cycle: number) => void;
  readonly progressCycles?: number;
}

/** Everything the simulation counted. */
export interface NpuRunStats {
  /** NPU clock edges from the first issue to the last task retired. */
  readonly cycles: number;
  readonly periodNs: number;
  readonly compute: { readonly busyCycles: number; readonly macs: number; readonly jobs: number };
  readonly vector: VectorCounters;
  readonly vectorReadsPerCycle: number;
  readonly vecJobs: readonly VecJobStats[];
  readonly sram: SramCounters;
  readonly wsram: SramCounters;
  readonly dram: DramStats;
  readonly dramBandwidthGBps: number;
  readonly dma: Readonly<Record<'load' | 'store' | 'wload', DmaCounters>>;
  readonly byCause: CauseBytes;
  readonly byLayer: readonly CauseBytes[];
  /** Edges the MAC array and the vector unit were busy (from their traced busy flags). */
  readonly macBusyCycles: number;
  readonly vecBusyCycles: number;
  readonly peakActLive: number;
  readonly peakWgtLive: number;
  readonly peakLiveTensors: number;
  /**
   * The SRAMs' own live-byte counts (buffers allocated at the planner's offsets as they go live and freed
   * as they die; sizes rounded up to whole words): high-water mark and what is left at the end (0).
   */
  readonly sramLive: { readonly peak: number; readonly end: number };
  readonly wsramLive: { readonly peak: number; readonly end: number };
  /** Per task: issue, start and done edges. Per buffer instance: live from / dead at. */
  readonly issued: Float64Array;
  readonly started: Float64Array;
  readonly done: Float64Array;
  /** Per compute task: MACs or element operations counted by its unit. */
  readonly ops: Float64Array;
  readonly liveFrom: Float64Array;
  readonly deadAt: Float64Array;
  readonly wallSeconds: number;
}

export async function runNpu(config: NpuConfig, program: NpuProgram, layers: number, options: NpuRunOptions = {}): Promise<NpuRunStats> {
  const t0 = performance.now();
  const sim = new Simulator();
  const top = new Module(sim, 'npu');
  const clk = sim.clock(top, 'clk', { period: config.clockPeriodPs, unit: 'ps' });
  const dram = new DramController(top, 'dram', { params: config.dram });
  const sram = new SramBanks(top, 'sram', clk, {
    capacityBytes: config.sramBytes,
    wordBytes: config.sramWordBytes,
    banks: config.sramBanks,
    ports: config.sramPorts,
    storeData: false,
  });
  // the weight buffer: two slots, one 64-byte port (a DRAM burst per edge)
  const wsram = new SramBanks(top, 'wsram', clk, { capacityBytes: 2 * config.weightSlotBytes, wordBytes: 64, ports: '1R1W', storeData: false });
  const tap = new DramTap(dram, layers);
  const image = new DramImage(dram.burstBytes);
  const dmaOpts = { maxOutstanding: config.dmaMaxOutstanding, image };
  const dma = {
    load: new Dma(top, 'dma_load', clk, tap.channel('load'), sram, dmaOpts),
    store: new Dma(top, 'dma_store', clk, tap.channel('store'), sram, dmaOpts),
    wload: new Dma(top, 'dma_weights', clk, tap.channel('wload'), wsram, dmaOpts),
  };
  const vector = new VectorUnit(top, 'vector', clk, sram, { readsPerCycle: VECTOR_READS_PER_CYCLE });
  const compute = new ComputeUnit(top, 'mac', clk, macArrayEngine(config.array));
  const periodNs = config.clockPeriodPs / 1000;
  const ctl = new NpuController(top, 'ctl', clk, program, { compute, vector, dma, dram, tap, sram, wsram }, { windowCycles: config.windowCycles, periodNs });
  const dog = new Watchdog(top, 'watchdog', { clock: clk, idleCycles: 1_000_000, workRemains: () => !ctl.finished });
  if (options.trace) sim.trace(options.trace);

  const max = options.maxCycles ?? 2e8;
  const step = options.progressCycles ?? 200_000;
  const clock = sim.clockOf(clk);
  try {
    while (!ctl.finished) {
      if (clock.cycles >= max) throw new Error(`npu: not finished after ${max} cycles (${ctl.blockedOn() ?? 'no unit reports a wait'})`);
      await sim.run({ until: () => ctl.finished, clock: clk, cycles: Math.min(step, max - clock.cycles) });
      if (dog.error) throw dog.error;
      options.onProgress?.(ctl.program.tasks.length - remainingTasks(ctl), ctl.program.tasks.length, clock.cycles);
    }
    // one more edge so the last edge's busy flags are accounted
    await sim.run({ cycles: 1, clock: clk });
  } finally {
    await sim.close();
  }
  return {
    cycles: ctl.endCycle,
    periodNs,
    compute: { busyCycles: compute.busyCycles, macs: compute.macs, jobs: compute.layers },
    vector: { ...vector.counters },
    vectorReadsPerCycle: vector.readsPerCycle,
    vecJobs: ctl.vecJobs,
    sram: { ...sram.counters },
    wsram: { ...wsram.counters },
    dram: { ...dram.stats },
    dramBandwidthGBps: dram.bandwidth() / 1e9,
    dma: { load: { ...dma.load.counters }, store: { ...dma.store.counters }, wload: { ...dma.wload.counters } },
    byCause: { ...tap.byCause },
    byLayer: tap.byLayer,
    macBusyCycles: ctl.macBusyCycles,
    vecBusyCycles: ctl.vecBusyCycles,
    peakActLive: ctl.peakActLive,
    peakWgtLive: ctl.peakWgtLive,
    peakLiveTensors: ctl.peakLiveTensors,
    sramLive: { peak: sram.liveHighWater, end: sram.liveNow },
    wsramLive: { peak: wsram.liveHighWater, end: wsram.liveNow },
    issued: ctl.issued,
    started: ctl.started,
    done: ctl.done,
    ops: ctl.ops,
    liveFrom: ctl.liveFrom,
    deadAt: ctl.deadAt,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

function remainingTasks(ctl: NpuController): number {
  let n = 0;
  for (const d of ctl.done) if (d < 0) n++;
  return n;
}
