// A traffic generator that drives a DramController alone (the front end of `skipsim dram-bench`), and
// the bench runner that builds the simulator around both.
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { DramAddressMap } from './dram-address.ts';
import { DramController, type DramCommand, type DramOp } from './dram-controller.ts';
import {
  getDramParams,
  peakBandwidthBytesPerSec,
  randomRowMissBound,
  sequentialBandwidthBound,
  type DramName,
} from './dram-params.ts';

export type DramPattern = 'sequential' | 'random' | 'mixed';
export const DRAM_PATTERNS: readonly DramPattern[] = ['sequential', 'random', 'mixed'];

export interface TrafficItem {
  op: DramOp;
  addr: number;
}

/**
 * The burst addresses of a pattern, `bursts` long:
 * - sequential: reads of consecutive bursts from address 0;
 * - random: reads of uniformly random bursts over the whole channel (seeded);
 * - mixed: the traffic of an element-wise add Y = A + B: read A[i], read B[i], write Y[i], for i = 0, 1, ...
 *   (2 reads : 1 write). The three regions start one bank apart (A at 0, B one bank-field span plus one
 *   bank stride later, Y two of each), so the three streams open different banks instead of fighting
 *   over one bank's row buffer.
 */
export function* trafficPattern(pattern: DramPattern, bursts: number, map: DramAddressMap, seed = 'dram-bench'): Generator<TrafficItem> {
  const B = map.burstBytes;
  switch (pattern) {
    case 'sequential':
      for (let i = 0; i < bursts; i++) yield { op: 'read', addr: i * B };
      return;
    case 'random': {
      const rng = seedrandom(seed);
      const n = map.capacityBytes / B;
      for (let i = 0; i < bursts; i++) yield { op: 'read', addr: Math.floor(rng() * n) * B };
      return;
    }
    case 'mixed': {
      const perStream = Math.ceil(bursts / 3);
      const bankStride = map.strides.bank;
      const bankSpan = bankStride * map.counts.bank;
      const region = Math.ceil((perStream * B) / bankSpan) * bankSpan + bankStride;
      if (3 * region > map.capacityBytes) {
        throw new Error(`bytes: a mixed stream of ${bursts * B} bytes does not fit the channel (${map.capacityBytes} bytes)`);
      }
      let k = 0;
      for (let i = 0; i < perStream && k < bursts; i++) {
        const off = i * B;
        for (const [op, base] of [['read', 0], ['read', region], ['write', 2 * region]] as const) {
          if (k++ >= bursts) return;
          yield { op, addr: base + off };
        }
      }
      return;
    }
  }
}

/**
 * Submits a pattern to a controller from the controller's own clock domain: after each rising edge, up
 * to `perCycle` requests, in order, stopping at the first one whose queue is full (so the order of the
 * pattern is kept). The controller sees a request one tCK later.
 */
export class DramTrafficGen extends Module {
  submitted = 0;
  private readonly it: Iterator<TrafficItem>;
  private nextItem: TrafficItem | null;

  constructor(
    parent: Module,
    name: string,
    readonly ctrl: DramController,
    items: Iterable<TrafficItem>,
    readonly perCycle = 1,
  ) {
    super(parent, name);
    this.it = items[Symbol.iterator]();
    this.nextItem = this.pull();
    this.onRising(ctrl.clk, () => {
      for (let k = 0; k < this.perCycle && this.nextItem; k++) {
        const item = this.nextItem;
        if (this.ctrl.submit(item.op, item.addr) === null) break;
        this.submitted++;
        this.nextItem = this.pull();
      }
    });
  }

  /** Everything submitted, issued, and its data moved. */
  get finished(): boolean {
    return this.nextItem === null && this.ctrl.pending === 0 && this.ctrl.stats.lastDone <= this.sim.time;
  }

  private pull(): TrafficItem | null {
    const r = this.it.next();
    return r.done ? null : r.value;
  }
}

export interface DramBenchOptions {
  dram: DramName;
  pattern: DramPattern;
  /** Bytes to move; rounded up to whole bursts. */
  bytes: number;
  seed?: string;
  mapping?: string;
  readQueueDepth?: number;
  writeQueueDepth?: number;
  /** Keep the command log (for dram-checker.ts). */
  logCommands?: boolean;
}

/** What dram-bench reports; field names are the JSON output's (docs/npu-memory.md). */
export interface DramBenchResult {
  dram: string;
  pattern: DramPattern;
  mapping: string;
  bytes: number;
  requests: number;
  reads: number;
  writes: number;
  dramCycles: number;
  elapsedNs: number;
  bandwidthGBps: number;
  peakGBps: number;
  percentOfPeak: number;
  sequentialBoundGBps: number;
  randomBoundGBps: number;
  rowHits: number;
  rowMisses: number;
  rowConflicts: number;
  rowHitRate: number;
  activates: number;
  precharges: number;
  refreshes: number;
  turnarounds: number;
  meanLatencyNs: number;
  maxLatencyNs: number;
  wallSeconds: number;
}

export async function runDramBench(options: DramBenchOptions): Promise<{ result: DramBenchResult; commandLog: DramCommand[] | null }> {
  const params = getDramParams(options.dram);
  if (!Number.isSafeInteger(options.bytes) || options.bytes < 1) {
    throw new Error(`bytes: expected a positive integer, got ${options.bytes}`);
  }
  const sim = new Simulator({ timescale: '1ps' });
  const top = new Module(sim, 'bench');
  const ctrl = new DramController(top, 'dram', {
    params,
    mapping: options.mapping,
    readQueueDepth: options.readQueueDepth,
    writeQueueDepth: options.writeQueueDepth,
    logCommands: options.logCommands,
  });
  const bursts = Math.ceil(options.bytes / ctrl.burstBytes);
  const gen = new DramTrafficGen(top, 'gen', ctrl, trafficPattern(options.pattern, bursts, ctrl.map, options.seed));
  // Generous: every burst a full row conflict on one bank (tRC), plus refresh.
  const maxCycles = (bursts + 10) * (params.tRC + 8) * 2 + 10 * params.tREFI;
  const t0 = performance.now();
  const why = await sim.run({ until: () => gen.finished, cycles: maxCycles, clock: ctrl.clk });
  const wallSeconds = (performance.now() - t0) / 1000;
  await sim.close();
  if (why !== 'until') {
    throw new Error(`dram-bench did not finish within ${maxCycles} DRAM cycles (${ctrl.pending} requests pending)`);
  }
  const s = ctrl.stats;
  const gb = (x: number) => x / 1e9;
  const bw = ctrl.bandwidth();
  const peak = peakBandwidthBytesPerSec(params);
  const columns = s.reads + s.writes;
  const result: DramBenchResult = {
    dram: params.name,
    pattern: options.pattern,
    mapping: ctrl.map.toString(),
    bytes: s.bytesRead + s.bytesWritten,
    requests: gen.submitted,
    reads: s.reads,
    writes: s.writes,
    dramCycles: s.cycles,
    elapsedNs: (s.lastDone - s.firstArrival) * ctrl.secondsPerStep() * 1e9,
    bandwidthGBps: gb(bw),
    peakGBps: gb(peak),
    percentOfPeak: (100 * bw) / peak,
    sequentialBoundGBps: gb(sequentialBandwidthBound(params)),
    randomBoundGBps: gb(randomRowMissBound(params)),
    rowHits: s.rowHits,
    rowMisses: s.rowMisses,
    rowConflicts: s.rowConflicts,
    rowHitRate: columns === 0 ? 0 : s.rowHits / columns,
    activates: s.activates,
    precharges: s.precharges,
    refreshes: s.refreshes,
    turnarounds: s.turnarounds,
    meanLatencyNs: ctrl.meanLatencyNs(),
    maxLatencyNs: ctrl.maxLatencyNs(),
    wallSeconds,
  };
  return { result, commandLog: ctrl.commandLog };
}
