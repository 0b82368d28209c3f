import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamDriver, type Gaps } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { beatWires, bench, numberedBeats, runUntil } from '../../testbench/drivers/testing.ts';
import { Fork } from './fork.ts';
import { ProtocolChecker } from './protocol-checker.ts';

const L = 2;
const BITS = 8;

function forkBench(branches: number | string[], n: number, pValid: Gaps, pReady: Gaps[], seed = 1) {
  const b = bench();
  const beats = numberedBeats(n, L);
  const drv = new StreamDriver(b.top, 'drv', { clk: b.clk, beats, lanes: L, bits: BITS, pValid, seed });
  const fork = new Fork(b.top, 'fork', { clk: b.clk, branches, lanes: L, bits: BITS });
  const inW = beatWires(b.top, 'in', L, BITS);
  drv.m.bind(inW);
  fork.s.bind(inW);
  const chkIn = new ProtocolChecker(b.top, 'chk_in', inW, { clk: b.clk, lanes: L, bits: BITS });
  const mons = fork.m.map((o, i) => {
    const w = beatWires(b.top, `out${i}`, L, BITS);
    o.bind(w);
    new ProtocolChecker(b.top, `chk${i}`, w, { clk: b.clk, lanes: L, bits: BITS, allowValidDrop: true });
    const mon = new StreamMonitor(b.top, `mon${i}`, { clk: b.clk, lanes: L, bits: BITS, pReady: pReady[i] ?? 1, seed: seed * 10 + i });
    mon.s.bind(w);
    return mon;
  });
  return { b, beats, drv, fork, mons, chkIn };
}

describe('Fork', () => {
  it('zero latency, one beat per cycle, the same beat objects on every branch', async () => {
    const t = forkBench(['main', 'skip'], 5, 1, [1, 1]);
    await runUntil(t.b, () => t.mons[1]!.count === 5);
    expect(t.drv.sentCycles).toEqual([1, 2, 3, 4, 5]);
    for (const m of t.mons) {
      expect(m.cyclesOf).toEqual([1, 2, 3, 4, 5]);
      expect(m.beats).toEqual(t.beats);
      m.beats.forEach((bt, i) => expect(bt).toBe(t.beats[i]));
    }
    expect(t.fork.beats).toBe(5);
    expect(t.fork.stallCycles).toBe(0);
    expect(Fork.skipPathExtraSlots).toBe(0);
    expect(Fork.latency).toBe(0);
    expect(t.fork.s.valid.name).toBe('s_valid');
    expect(t.fork.branch('skip').ready.name).toBe('skip_ready');
  });

  it('lock-step: a beat moves only when all branches are ready; stalls are counted per branch', async () => {
    // Branch 1 is not ready in cycles 2..4, branch 0 not ready in cycles 4..5.
    const t = forkBench(2, 4, 1, [(c) => c < 4 || c > 5, (c) => c < 2 || c > 4]);
    await runUntil(t.b, () => t.mons[0]!.count === 4);
    expect(t.mons[0]!.cyclesOf).toEqual([1, 6, 7, 8]);
    expect(t.mons[1]!.cyclesOf).toEqual([1, 6, 7, 8]);
    expect(t.fork.stallCycles).toBe(4); // edges 2, 3, 4, 5
    expect(t.fork.branchStallCycles).toEqual([2, 3]); // branch 0 at 4, 5; branch 1 at 2, 3, 4
    expect(t.chkIn.stallCycles).toBe(4);
  });

  it('N branches under random backpressure receive every beat at the same edge', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), async (n, seed) => {
        const t = forkBench(n, 30, 0.7, Array.from({ length: n }, () => 0.6), seed);
        await runUntil(t.b, () => t.mons[0]!.count === 30, 3000);
        for (const m of t.mons) {
          expect(m.cyclesOf, `seed ${seed}`).toEqual(t.drv.sentCycles);
          expect(m.beats).toEqual(t.beats);
        }
        expect(t.fork.stallCycles).toBe(t.chkIn.stallCycles);
        expect(t.fork.branchStallCycles.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(t.fork.stallCycles);
      }),
      { numRuns: 20 },
    );
  });

  it('names the branches it waits on', async () => {
    const t = forkBench(['main', 'skip'], 3, 1, [1, () => false]);
    await t.b.sim.run({ cycles: 3, clock: t.b.clk });
    expect(t.fork.blockedOn()).toBe('waiting for branch skip (top.mon1) to be ready');
    expect(t.fork.branchStallCycles).toEqual([0, 3]);
  });

  it('rejects bad branch lists', () => {
    const b = bench();
    expect(() => new Fork(b.top, 'f0', { clk: b.clk, branches: 0, lanes: L, bits: BITS })).toThrow(/branches must be/);
    expect(() => new Fork(b.top, 'f1', { clk: b.clk, branches: ['a', 'a'], lanes: L, bits: BITS })).toThrow(/distinct/);
  });
});
