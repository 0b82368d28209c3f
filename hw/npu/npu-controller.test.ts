import { afterEach, describe, expect, it, vi } from 'vitest';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceSink } from '../../sim/trace.ts';
import { resnet18 } from '../../testbench/npu/networks.ts';
import { planBest } from '../../testbench/npu/planner.ts';
import { DramController } from './dram-controller.ts';
import { planMemory } from './memory-policy.ts';
import { npuConfig } from './npu-config.ts';
import { DramTap } from './npu-dram-tap.ts';
import { IDLE_REASONS, idleBreakdown } from './npu-idle.ts';
import { buildProgram, type DmaTask, type NpuProgram } from './npu-program.ts';
import { runNpu, type NpuRunOptions } from './npu-system.ts';
import { SramBanks } from './sram.ts';

const KiB = 1024;
const net = resnet18({ inputSize: 32, widthDivisor: 4 });

async function run(sramKiB: number, options: NpuRunOptions = {}) {
  const config = npuConfig({ sramBytes: sramKiB * KiB, weightSlotBytes: 16 * KiB });
  const policy = planMemory(net, { sramBytes: config.sramBytes, planner: (b) => planBest(b).best });
  const program = buildProgram(net, policy, { array: config.array, weightSlotBytes: config.weightSlotBytes, wordBytes: config.sramWordBytes });
  const stats = await runNpu(config, program, net.layers.length, options);
  return { config, policy, program, stats };
}

/** A trace sink that samples the settled value of each named signal at every rising edge of npu.clk (index = edge). */
function edgeSampler(paths: readonly string[]) {
  const samples = new Map(paths.map((p) => [p, [0]]));
  const sigs = new Map<string, Signal>();
  let clk: Signal | null = null;
  const sink: TraceSink = {
    wants: (s) => {
      if (s.path === 'npu.clk') clk = s;
      else if (paths.includes(s.path)) sigs.set(s.path, s);
      else return false;
      return true;
    },
    open: () => {
      for (const p of paths) if (!sigs.has(p)) throw new Error(`no signal ${p}`);
    },
    step: (_time, changed, count) => {
      if (clk!.value !== 1 || !changed.slice(0, count).includes(clk!)) return;
      for (const [p, s] of sigs) samples.get(p)!.push(s.value as number);
    },
    close: () => {},
  };
  return { sink, samples };
}

/** Per edge k (0..edges-1): bytes of the instances of `space` live after edge k, each size rounded up to `word`. */
function liveByEdge(program: NpuProgram, liveFrom: Float64Array, deadAt: Float64Array, space: 'act' | 'wgt', word: number, edges: number): number[] {
  const delta = new Array<number>(edges + 1).fill(0);
  for (const i of program.instances) {
    if (i.space !== space || liveFrom[i.id]! < 0) continue;
    const size = Math.ceil(i.bytes / word) * word;
    delta[liveFrom[i.id]!]! += size;
    delta[deadAt[i.id]!]! -= size;
  }
  let live = 0;
  return delta.slice(0, edges).map((d) => (live += d));
}

describe('NPU controller', () => {
  it('runs every task once, in order per unit; no two buffers share SRAM bytes while both are live', async () => {
    const { config, program, stats } = await run(2.5);
    for (const t of program.tasks) {
      expect(stats.issued[t.id]).toBeGreaterThan(0);
      expect(stats.started[t.id]).toBeGreaterThan(stats.issued[t.id]!);
      expect(stats.done[t.id]).toBeGreaterThan(stats.started[t.id]!);
    }
    for (const q of Object.values(program.queues)) {
      for (let i = 1; i < q.length; i++) expect(stats.done[q[i]!.id]).toBeGreaterThanOrEqual(stats.done[q[i - 1]!.id]!);
    }
    // measured occupancy: overlapping address ranges are never live at the same edge
    const insts = program.instances;
    for (let a = 0; a < insts.length; a++) {
      for (let b = a + 1; b < insts.length; b++) {
        const x = insts[a]!;
        const y = insts[b]!;
        if (x.space !== y.space || x.offset >= y.offset + y.bytes || y.offset >= x.offset + x.bytes) continue;
        const apart = stats.deadAt[x.id]! <= stats.liveFrom[y.id]! || stats.deadAt[y.id]! <= stats.liveFrom[x.id]!;
        if (!apart) throw new Error(`'${x.label}' and '${y.label}' overlap in SRAM and in time`);
      }
    }
    expect(stats.peakActLive).toBeLessThanOrEqual(config.sramBytes);
    expect(stats.peakWgtLive).toBeLessThanOrEqual(2 * config.weightSlotBytes);
  });

  it('busy edges from the traced flags equal the units\' counters; busy + idle reasons cover every edge', async () => {
    const { program, stats } = await run(16);
    expect(stats.macBusyCycles).toBe(stats.compute.busyCycles);
    expect(stats.vecBusyCycles).toBe(stats.vector.busyCycles);
    for (const unit of ['mac', 'vec'] as const) {
      const b = idleBreakdown(program, unit, stats.started, stats.done, stats.cycles);
      expect(b.busy).toBe(unit === 'mac' ? stats.compute.busyCycles : stats.vector.busyCycles);
      expect(b.busy + IDLE_REASONS.reduce((s, r) => s + b.idle[r], 0)).toBe(stats.cycles);
    }
  });

  it('every DRAM byte is attributed: by cause and by layer they add up to what the controller moved', async () => {
    const { stats } = await run(2.5);
    const total = stats.dram.bytesRead + stats.dram.bytesWritten;
    expect(Object.values(stats.byCause).reduce((s, b) => s + b, 0)).toBe(total);
    const byLayer = stats.byLayer.reduce((s, c) => s + Object.values(c).reduce((x, y) => x + y, 0), 0);
    expect(byLayer).toBe(total);
    expect(stats.byCause.skipSpill).toBeGreaterThan(0);
  });
});

describe('NPU controller: the SRAMs\' own live bytes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('buffers are allocated at their planned offsets while live: the SRAM\'s live bytes follow act_live_bytes edge by edge, peak equal, 0 at the end', async () => {
    const paths = ['npu.ctl.act_live_bytes', 'npu.sram.live_bytes', 'npu.ctl.wgt_live_bytes', 'npu.wsram.live_bytes'];
    const { sink, samples } = edgeSampler(paths);
    const placed: Record<string, [number, number][]> = {};
    const orig = SramBanks.prototype.allocateAt;
    vi.spyOn(SramBanks.prototype, 'allocateAt').mockImplementation(function (this: SramBanks, name, base, bytes) {
      (placed[this.path] ??= []).push([base, bytes]);
      return orig.call(this, name, base, bytes);
    });
    const { config, policy, program, stats } = await run(2.5, { trace: sink });
    // a small SRAM: skip tensors are spilled to DRAM (they hold no SRAM while there) and bands are staged
    expect(stats.byCause.skipSpill).toBeGreaterThan(0);
    expect(program.instances.some((i) => i.space === 'act' && i.label.includes('stage'))).toBe(true);

    expect(stats.sramLive.peak).toBe(stats.peakActLive);
    expect(stats.sramLive.peak).toBeLessThanOrEqual(config.sramBytes);
    expect(stats.sramLive.end).toBe(0);
    expect(stats.wsramLive.peak).toBe(stats.peakWgtLive);
    expect(stats.wsramLive.end).toBe(0);
    // each buffer was allocated once, at the offset the program gives it, inside a region the planner placed
    const byPos = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    for (const [space, path] of [['act', 'npu.sram'], ['wgt', 'npu.wsram']] as const) {
      const want = program.instances.filter((i) => i.space === space && stats.liveFrom[i.id]! >= 0).map((i): [number, number] => [i.offset, i.bytes]);
      expect(want.length).toBeGreaterThan(10);
      expect([...placed[path]!].sort(byPos)).toEqual(want.sort(byPos));
    }
    for (const i of program.instances) {
      if (i.space !== 'act') continue;
      const inRegion = policy.regions.some((r) => r.offset <= i.offset && i.offset + i.bytes <= r.offset + r.size);
      if (!inRegion) throw new Error(`'${i.label}' at [${i.offset}, ${i.offset + i.bytes}) is in no planned region`);
    }

    const [act, sram, wgt, wsram] = paths.map((p) => samples.get(p)!);
    const edges = act!.length;
    expect(edges).toBe(stats.cycles + 2); // edge 0 (before the first) ... the extra edge after the last task
    // independently, from the edges each buffer went live and died
    const actRaw = liveByEdge(program, stats.liveFrom, stats.deadAt, 'act', 1, edges);
    const actWords = liveByEdge(program, stats.liveFrom, stats.deadAt, 'act', config.sramWordBytes, edges);
    const wgtRaw = liveByEdge(program, stats.liveFrom, stats.deadAt, 'wgt', 1, edges);
    expect(act).toEqual(actRaw);
    expect(wgt).toEqual(wgtRaw);
    expect(Math.max(...act!)).toBe(stats.peakActLive);
    // the SRAM's signal shows at edge k what was allocated up to edge k-1 (its process is its one driver)
    for (let k = 1; k < edges; k++) {
      if (sram![k] !== actWords[k - 1] || wsram![k] !== wgtRaw[k - 1]) {
        throw new Error(`edge ${k}: sram ${sram![k]} wsram ${wsram![k]}, expected ${actWords[k - 1]} and ${wgtRaw[k - 1]}`);
      }
    }
    // every activation buffer here is whole words, so the two traces agree exactly, one edge apart
    expect(actWords).toEqual(actRaw);
    expect(sram!.slice(1)).toEqual(act!.slice(0, -1));
    expect(sram!.at(-1)).toBe(0);
    expect(Math.max(...sram!)).toBe(stats.peakActLive);
  });
});

describe('DramTap', () => {
  it('refuses a request that is not the next burst of the announced transfer', () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const dram = new DramController(top, 'dram');
    const tap = new DramTap(dram, 1);
    const view = tap.channel('load');
    const task = { label: 'x', dramAddr: 4096, bytes: 128, causes: [{ bursts: 2, cause: 'input' }], attributeTo: 0 } as unknown as DmaTask;
    expect(() => view.submit('read', 0)).toThrow(/a read of address 0 with no transfer announced/);
    tap.expect('load', task);
    view.submit('read', 4096);
    expect(() => view.submit('read', 4096)).toThrow(/transfer 'x' should submit address 4160 next, got 4096/);
    expect(tap.byCause.input).toBe(64);
  });
});
