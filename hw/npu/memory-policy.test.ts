import { describe, expect, it } from 'vitest';
import { resnet18, resnet50Conv2x, vgg } from '../../testbench/npu/networks.ts';
import { findConflicts, planBest, planGreedyBySize } from '../../testbench/npu/planner.ts';
import { planMemory, SramTooSmallError, type MemoryPolicy } from './memory-policy.ts';
import { buildProgram, UNITS } from './npu-program.ts';
import type { NpuNetwork } from './npu-network.ts';

const planner = (b: Parameters<typeof planBest>[0]) => planBest(b).best;
const chain = vgg({ inputSize: 64, widthDivisor: 4 });
const residual = resnet18({ inputSize: 64, widthDivisor: 4 });
const KiB = 1024;

/** Tensors with bytes in SRAM at op i: whole-tensor regions and staging buffers alive there. */
function tensorsAt(p: MemoryPolicy, i: number): Set<string> {
  return new Set(p.regions.filter((r) => r.firstUse <= i && i <= r.lastUse).map((r) => r.tensor));
}

function check(net: NpuNetwork, p: MemoryPolicy): void {
  expect(findConflicts(p.regions, Object.fromEntries(p.regions.map((r) => [r.name, r.offset])))).toEqual([]);
  for (const r of p.regions) expect(r.offset + r.size).toBeLessThanOrEqual(p.sramBytes);
  expect(p.arenaBytes).toBeLessThanOrEqual(p.sramBytes);
  expect(p.arenaBytes).toBeGreaterThanOrEqual(p.liveLowerBound);
  // every dependency of the program points to an earlier task: in-order units cannot deadlock
  const prog = buildProgram(net, p, { array: { rows: 32, cols: 32, dataflow: 'ws' }, weightSlotBytes: 16 * KiB, wordBytes: 16 });
  for (const t of prog.tasks) {
    t.needs.forEach((seq, u) => {
      if (seq >= 0) expect(prog.queues[UNITS[u]!][seq]!.id).toBeLessThan(t.id);
    });
  }
}

describe('memory policy: chain', () => {
  it.each([8, 16, 32, 64, 128, 512])('a chain keeps at most two tensors (ping-pong) in SRAM and has no skip, at %i KiB', (kib) => {
    const p = planMemory(chain, { sramBytes: kib * KiB, planner });
    expect(p.skips).toEqual([]);
    chain.layers.forEach((_, i) => expect(tensorsAt(p, i).size).toBeLessThanOrEqual(2));
    check(chain, p);
  });

  it('with room for every layer\'s input and output, nothing streams; with less, the largest operand streams in bands', () => {
    const big = planMemory(chain, { sramBytes: 512 * KiB, planner });
    expect(big.storages.filter((s) => s.home === 'dram')).toEqual([]);
    expect(big.ops.every((o) => o.bands === 1)).toBe(true);
    const small = planMemory(chain, { sramBytes: 16 * KiB, planner });
    expect(small.storages.some((s) => s.home === 'dram')).toBe(true);
    expect(small.ops.some((o) => o.bands > 1)).toBe(true);
  });
});

describe('memory policy: residual', () => {
  it('keeps every skip tensor at a large SRAM and spills some at a small one; the add writes in place over F(X)', () => {
    const big = planMemory(residual, { sramBytes: 256 * KiB, planner });
    expect(big.skips.length).toBeGreaterThan(0);
    expect(big.skips.filter((k) => k.spilled)).toEqual([]);
    const add = residual.layers.find((l) => l.name === 'layer1.0.add')!;
    expect(big.storageOf[add.output]).toBe(big.storageOf[add.inputs[0]!]);
    check(residual, big);
    const small = planMemory(residual, { sramBytes: 11 * KiB, planner });
    expect(small.skips.some((k) => k.spilled)).toBe(true);
    check(residual, small);
  });

  it('the projection block holds X until its 1x1 projection, which comes after conv2', () => {
    const p = planMemory(resnet50Conv2x({ widthDivisor: 4, inputSize: 16 }), { sramBytes: 64 * KiB, planner });
    const first = p.skips.find((k) => k.tensor === 'input')!;
    expect(first.producer).toBe(-1); // already in DRAM: a spill would need no store
    expect(p.ops[first.before]!.layer.name).toBe('layer1.0.downsample');
  });

  it("policy 'stream' keeps no tensor in SRAM: every op streams through staging buffers", () => {
    const p = planMemory(residual, { sramBytes: 64 * KiB, planner, mode: 'stream' });
    expect(p.storages.every((s) => s.home === 'dram')).toBe(true);
    expect(p.regions.every((r) => r.kind === 'stage')).toBe(true);
    check(residual, p);
  });

  it('works with any planner that returns a valid placement (TFLM greedy-by-size too)', () => {
    const p = planMemory(residual, { sramBytes: 20 * KiB, planner: planGreedyBySize });
    check(residual, p);
  });

  it('an SRAM too small for one-row bands is an error naming the layer and what it needs', () => {
    expect(() => planMemory(residual, { sramBytes: 2 * KiB, planner })).toThrow(SramTooSmallError);
    expect(() => planMemory(residual, { sramBytes: 2 * KiB, planner })).toThrow(/2048 bytes of SRAM are too few to run layer '.+' of 'resnet18' even in one-row bands/);
    expect(() => planMemory(residual, { sramBytes: 0, planner })).toThrow(/sramBytes: expected an integer >= 64, got 0/);
  });
});
