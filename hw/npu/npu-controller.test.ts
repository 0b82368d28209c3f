import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { resnet18 } from '../../testbench/npu/networks.ts';
import { planBest } from '../../testbench/npu/planner.ts';
import { DramController } from './dram-controller.ts';
import { planMemory } from './memory-policy.ts';
import { npuConfig } from './npu-config.ts';
import { DramTap } from './npu-dram-tap.ts';
import { IDLE_REASONS, idleBreakdown } from './npu-idle.ts';
import { buildProgram, type DmaTask } from './npu-program.ts';
import { runNpu } from './npu-system.ts';

const KiB = 1024;
const net = resnet18({ inputSize: 32, widthDivisor: 4 });

async function run(sramKiB: number) {
  const config = npuConfig({ sramBytes: sramKiB * KiB, weightSlotBytes: 16 * KiB });
  const policy = planMemory(net, { sramBytes: config.sramBytes, planner: (b) => planBest(b).best });
  const program = buildProgram(net, policy, { array: config.array, weightSlotBytes: config.weightSlotBytes, wordBytes: config.sramWordBytes });
  const stats = await runNpu(config, program, net.layers.length);
  return { config, policy, program, stats };
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
