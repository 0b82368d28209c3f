// The NPU memory study's claims, checked against bounds derived here (the network's sizes and MACs,
// the planner, the MacArray formula, the DRAM's peak), never against numbers a run printed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { macArrayCycles } from '../../hw/mac-array/formula.ts';
import { DRAM_PARAMS, peakBandwidthBytesPerSec } from '../../hw/npu/dram-params.ts';
import { CAUSES } from '../../hw/npu/npu-program.ts';
import { WaveFiles } from '../../waves/wave-files.ts';
import { findVar, historyOf, parseVcdFile } from '../../waves/vcd-reader.ts';
import { elements, layerMacs, networkMacs, tensorLifetimes, type Network } from './networks.ts';
import { alignBuffers, planBest } from './planner.ts';
import { elementwiseAddIntensity } from './roofline.ts';
import { buildNetwork, runScenario, type NetworkName, type ScenarioRun } from './scenario.ts';

const KiB = 1024;
const SMALL = { inputSize: 64, widthDivisor: 4 } as const;
const ARRAY = { rows: 32, cols: 32, dataflow: 'ws' as const };
const DDR4_BYTES_PER_NS = peakBandwidthBytesPerSec(DRAM_PARAMS['ddr4-3200']) / 1e9;

const run = (network: NetworkName, sramBytes: number, extra: Partial<Parameters<typeof runScenario>[0]> = {}) =>
  runScenario({ network, sramBytes, ...SMALL, ...extra });

/**
 * The SRAM that holds X and its block's working set: for every tensor read again after a gap (a skip),
 * the planner's arena for the tensors alive from its first to its last consumer (X, the block's
 * intermediates, F(X), the add's output), 64-byte aligned as the NPU places them.
 */
function skipWorkingSet(net: Network): number {
  const bufs = alignBuffers(tensorLifetimes(net), 64);
  const consumers = new Map<string, number[]>();
  net.layers.forEach((l, i) => new Set(l.inputs).forEach((t) => consumers.set(t, [...(consumers.get(t) ?? []), i])));
  let most = 0;
  for (const cs of consumers.values()) {
    if (!cs.some((c, j) => j > 0 && c - cs[j - 1]! > 1)) continue;
    const [lo, hi] = [cs[0]!, cs.at(-1)!];
    const block = bufs
      .filter((b) => b.firstUse <= hi && b.lastUse >= lo)
      .map((b) => ({ ...b, firstUse: Math.max(b.firstUse, lo), lastUse: Math.min(b.lastUse, hi) }));
    most = Math.max(most, planBest(block).best.peak);
  }
  return most;
}

/** Invariants every run must satisfy. */
function checkRun(r: ScenarioRun): void {
  const rep = r.report;
  const dram = rep.dramTraffic;
  // every DRAM byte has a cause, and the causes add up to the controller's own count
  expect(CAUSES.reduce((s, c) => s + dram.byCause[c], 0)).toBe(r.stats.dram.bytesRead + r.stats.dram.bytesWritten);
  expect(dram.bytes).toBe(r.stats.dram.bytesRead + r.stats.dram.bytesWritten);
  // the MAC array did the network's MACs; its busy time is the MacArray formula of every GEMM it ran
  expect(rep.macs).toBe(networkMacs(r.network));
  const formula = r.program.queues.mac.reduce((s, t) => s + (t.unit === 'mac' ? macArrayCycles(ARRAY, t.gemm).cycles : 0), 0);
  expect(rep.bounds.computeCycles).toBe(formula);
  // cycles never below the compute bound nor the DRAM bound
  const dramBound = dram.bytes / DDR4_BYTES_PER_NS;
  expect(rep.cycles).toBeGreaterThanOrEqual(Math.max(formula, networkMacs(r.network) / 1024, dramBound));
  expect(rep.macUtilisation).toBeGreaterThan(0);
  expect(rep.macUtilisation).toBeLessThanOrEqual(1);
  expect(rep.sram.peakLiveBytes).toBeLessThanOrEqual(rep.sramBytes);
  // every layer's roofline point lies under its compute roof and the DRAM roof (one burst of slack for
  // the clock-domain crossing at the window's edges)
  for (const l of rep.layers) {
    const peak = l.opUnit === 'mac' ? 1024 : l.kind === 'pool' ? 2 * 16 : 16;
    expect(l.ops).toBeLessThanOrEqual(peak * l.cycles);
    expect(l.dramBytes).toBeLessThanOrEqual(DDR4_BYTES_PER_NS * l.cycles + 64);
  }
  // the adds did one op per element and moved 2 reads + 1 write per element through the SRAM ports
  const addElements = r.network.layers.filter((l) => l.kind === 'add').reduce((s, l) => s + elements(l.outShape), 0);
  expect(rep.adder.ops).toBe(addElements);
  if (addElements > 0) {
    expect(rep.adder.sramBytes).toBe(3 * addElements);
    expect(rep.adder.intensity).toBeCloseTo(elementwiseAddIntensity(addElements, 1), 12);
  }
}

describe('NPU scenarios: a chain', () => {
  const sizes = [8, 16, 256];
  const runs: ScenarioRun[] = [];
  beforeAll(async () => {
    for (const kib of sizes) runs.push(await run('vgg', kib * KiB));
  });

  it('never has more than two activation tensors live (ping-pong), and no skip spill or fill, at any SRAM size', () => {
    for (const r of runs) {
      expect(r.report.sram.maxLiveTensors).toBeLessThanOrEqual(2);
      expect(r.report.skips).toEqual([]);
      expect(r.report.skipSpillBytes).toBe(0);
      expect(r.report.skipFillBytes).toBe(0);
      expect(r.report.skipRereadBytes).toBe(0);
      checkRun(r);
    }
  });

  it('streams through DRAM when the SRAM is short: less SRAM, more activation traffic', () => {
    const act = runs.map((r) => r.report.dramTraffic.activationBytes);
    expect(act[0]).toBeGreaterThan(act[2]!);
    // with all activations in SRAM only the input crosses in and the output out (whole bursts)
    const net = runs[2]!.network;
    const once = (t: string) => Math.ceil(net.tensors[t]!.bytes / 64) * 64;
    expect(act[2]).toBe(once(net.input) + net.outputs.reduce((s, t) => s + once(t), 0));
  });
});

describe('NPU scenarios: ResNet-18', () => {
  const net = buildNetwork('resnet18', SMALL.inputSize, SMALL.widthDivisor);
  const threshold = skipWorkingSet(net);
  const runs = new Map<string, ScenarioRun>();
  let vcd = '';
  beforeAll(async () => {
    vcd = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-npu-')), 'npu.vcd');
    runs.set('below', await run('resnet18', threshold - 64, { trace: new WaveFiles({ vcd, scopes: ['npu.ctl'] }) }));
    runs.set('at', await run('resnet18', threshold));
    runs.set('above', await run('resnet18', 2 * threshold));
    runs.set('half', await run('resnet18', threshold / 2));
    runs.set('stream', await run('resnet18', threshold, { policy: 'stream' }));
  });

  it('spill bytes == fill bytes == the sizes of the spilled skip tensors', () => {
    for (const key of ['below', 'half', 'at']) {
      const r = runs.get(key)!.report;
      const spilled = r.skips.filter((s) => s.spilled).reduce((s, k) => s + net.tensors[k.tensor]!.bytes, 0);
      expect(r.skipSpillBytes).toBe(spilled);
      expect(r.skipFillBytes).toBe(spilled);
    }
  });

  it(`spill and fill fall to 0 once the SRAM holds X + its block's working set (planner: ${threshold} B)`, () => {
    expect(runs.get('below')!.report.skipSpillBytes).toBeGreaterThan(0);
    expect(runs.get('half')!.report.skipSpillBytes).toBeGreaterThan(0);
    for (const key of ['at', 'above']) {
      expect(runs.get(key)!.report.skipSpillBytes).toBe(0);
      expect(runs.get(key)!.report.skipFillBytes).toBe(0);
    }
  });

  it('satisfies the invariants at every size and policy', () => {
    for (const r of runs.values()) checkRun(r);
  });

  it('a skip tensor lives at least as long as the MAC array works on the layers between its producer and its closer', () => {
    const r = runs.get('at')!;
    const index = new Map(net.layers.map((l, i) => [l.name, i]));
    for (const s of r.report.skips) {
      const from = index.get(s.producer)!;
      const to = index.get(s.closer)!;
      let between = 0;
      for (let i = from + 1; i < to; i++) {
        const l = net.layers[i]!;
        if (layerMacs(l) === 0) continue;
        const gemm = l.kind === 'matmul' ? { kind: 'matmul' as const, m: 1, k: l.cin, n: l.cout } : { kind: 'matmul' as const, m: l.outShape.h * l.outShape.w, k: l.kernel * l.kernel * l.cin, n: l.cout };
        between += macArrayCycles(ARRAY, gemm).cycles;
      }
      expect(s.lifetimeCycles).toBeGreaterThanOrEqual(between);
    }
  });

  it('the add streamed from DRAM has the int8 intensity 1/3 op/B, within whole-burst counting', () => {
    const r = runs.get('stream')!.report;
    const adds = r.layers.filter((l) => l.kind === 'add');
    const ops = adds.reduce((s, l) => s + l.ops, 0);
    const bands = adds.reduce((s, l) => s + l.bands, 0);
    // 2 reads + 1 write per element; each band's three transfers round up to whole 64-byte bursts
    expect(r.adder.dramBytes).toBeGreaterThanOrEqual(3 * ops);
    expect(r.adder.dramBytes).toBeLessThanOrEqual(3 * ops + 3 * 64 * bands);
    expect(r.adder.dramIntensity!).toBeCloseTo(elementwiseAddIntensity(ops, 1), 2);
    expect(r.adder.dramIntensity!).toBeLessThanOrEqual(1 / 3);
  });

  it('the VCD has the SRAM live bytes, DRAM bandwidth and queue, MAC and adder busy as integer/real traces', async () => {
    const parsed = await parseVcdFile(vcd);
    for (const [name, type] of [['act_live_bytes', 'integer'], ['dram_bytes_window', 'integer'], ['dram_gbps', 'real'], ['dram_queue', 'integer'], ['mac_busy', 'integer'], ['mac_util', 'real'], ['adder_busy', 'integer'], ['adder_util', 'real']] as const) {
      expect(findVar(parsed, `npu.ctl.${name}`).type).toBe(type);
      expect(historyOf(parsed, `npu.ctl.${name}`).length).toBeGreaterThan(2);
    }
    const live = historyOf(parsed, 'npu.ctl.act_live_bytes').map(([, v]) => parseInt(v.replace(/^b/, ''), 2));
    expect(Math.max(...live)).toBe(runs.get('below')!.report.sram.peakLiveBytes);
    const gtkw = fs.readFileSync(vcd.replace(/\.vcd$/, '.gtkw'), 'utf8');
    expect(gtkw).toContain('npu.ctl.dram_gbps');
    expect(gtkw).toContain('npu.ctl.act_live_bytes');
  });
});

describe('NPU scenarios: other networks', () => {
  it('plain18 (ResNet-18 without skips) is a chain: two tensors live, no skip traffic', async () => {
    const r = await run('plain18', 8 * KiB);
    expect(r.report.skips).toEqual([]);
    expect(r.report.sram.maxLiveTensors).toBeLessThanOrEqual(2);
    expect(r.network.layers.some((l) => l.kind === 'add')).toBe(false);
    checkRun(r);
  });

  it('ResNet-50 conv2_x: the stage input is filled back from DRAM without being spilled again', async () => {
    const r = await runScenario({ network: 'resnet50-stage', sramBytes: 16 * KiB, inputSize: 16, widthDivisor: 4 });
    const input = r.report.skips.find((s) => s.tensor === 'input')!;
    expect(input.producer).toBe('(input)');
    expect(r.report.skipFillBytes).toBeGreaterThan(0);
    checkRun(r);
  });
});
