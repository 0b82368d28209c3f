import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Watchdog } from '../../sim/watchdog.ts';
import { Scoreboard } from '../../testbench/drivers/scoreboard.ts';
import { StreamDriver } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { beatWires, bench, numberedBeats, runUntil } from '../../testbench/drivers/testing.ts';
import type { Gaps } from '../../testbench/drivers/stream-driver.ts';
import { ProtocolChecker } from './protocol-checker.ts';
import { SkipFifo } from './skip-fifo.ts';

const L = 4;
const BITS = 8;

function fifoBench(opts: { depth: number; fwft?: boolean; n: number; pValid?: Gaps; pReady?: Gaps; seed?: number }) {
  const b = bench();
  const beats = numberedBeats(opts.n, L);
  const drv = new StreamDriver(b.top, 'drv', { clk: b.clk, beats, lanes: L, bits: BITS, pValid: opts.pValid, seed: opts.seed });
  const fifo = new SkipFifo(b.top, 'fifo', { clk: b.clk, depth: opts.depth, fwft: opts.fwft, lanes: L, bits: BITS });
  const sb = new Scoreboard({ expected: beats, seed: opts.seed, label: 'fifo out' });
  const mon = new StreamMonitor(b.top, 'mon', { clk: b.clk, lanes: L, bits: BITS, pReady: opts.pReady, seed: (opts.seed ?? 0) + 1, scoreboard: sb });
  const inW = beatWires(b.top, 'in', L, BITS);
  const outW = beatWires(b.top, 'out', L, BITS);
  drv.m.bind(inW);
  fifo.s.bind(inW);
  fifo.m.bind(outW);
  mon.s.bind(outW);
  const chkIn = new ProtocolChecker(b.top, 'chk_in', inW, { clk: b.clk, lanes: L, bits: BITS });
  const chkOut = new ProtocolChecker(b.top, 'chk_out', outW, { clk: b.clk, lanes: L, bits: BITS });
  return { b, drv, fifo, mon, sb, chkIn, chkOut, beats };
}

describe('SkipFifo (registered)', () => {
  it('latency 1 and one beat per cycle at depth 2: pushed at edge k, popped at edge k+1', async () => {
    const t = fifoBench({ depth: 2, n: 6 });
    await runUntil(t.b, () => t.mon.count === 6);
    expect(t.drv.sentCycles).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.mon.cyclesOf).toEqual([2, 3, 4, 5, 6, 7]);
    expect(t.sb.finish()).toBeNull();
    expect(t.fifo.pushes).toBe(6);
    expect(t.fifo.pops).toBe(6);
    expect(t.fifo.highWater).toBe(1);
    expect(t.fifo.fullStallCycles).toBe(0);
    expect(t.fifo.latency).toBe(1);
    // The monitor is ready at edge 1, before anything was pushed.
    expect(t.fifo.emptyStallCycles).toBe(1);
  });

  it('depth 1 moves one beat per two cycles: a full FIFO refuses a push at the edge where it pops', async () => {
    const t = fifoBench({ depth: 1, n: 4 });
    await runUntil(t.b, () => t.mon.count === 4);
    expect(t.drv.sentCycles).toEqual([1, 3, 5, 7]);
    expect(t.mon.cyclesOf).toEqual([2, 4, 6, 8]);
    // Upstream waits at edges 2, 4, 6 (full); downstream at edges 1, 3, 5, 7 (empty).
    expect(t.fifo.fullStallCycles).toBe(3);
    expect(t.fifo.emptyStallCycles).toBe(4);
    expect(t.fifo.highWater).toBe(1);
  });

  it('a full depth-2 FIFO also refuses the push at an edge where it pops', async () => {
    // Consumer blocked for cycles 1..4: the FIFO fills at edges 1 and 2 and stays full.
    const t = fifoBench({ depth: 2, n: 5, pReady: (c) => c >= 5 });
    await runUntil(t.b, () => t.mon.count === 5);
    expect(t.mon.cyclesOf).toEqual([5, 6, 7, 8, 9]);
    // Edge 5 pops while full, so beat 2 is refused there and pushed at edge 6.
    expect(t.drv.sentCycles).toEqual([1, 2, 6, 7, 8]);
    expect(t.fifo.fullStallCycles).toBe(3); // edges 3, 4, 5
    expect(t.fifo.highWater).toBe(2);
  });

  it('traces occupancy as an integer and reports what it waits on', async () => {
    const t = fifoBench({ depth: 3, n: 10, pReady: () => false });
    const w = new Watchdog(t.b.top, 'wd', { clock: t.b.clk, idleCycles: 5, workRemains: () => t.mon.count < 10 });
    const occ: number[] = [];
    t.b.top.onRising(t.b.clk, () => occ.push(t.fifo.occupancy.value));
    expect(t.fifo.occupancy.traceAs).toBe('integer');
    expect(t.fifo.blockedOn()).toBe('empty (0/3): waiting for top.drv to push (its m_valid is 0)');
    await expect(runUntil(t.b, () => false, 50)).rejects.toThrow(/deadlock/);
    expect(occ.slice(0, 6)).toEqual([0, 1, 2, 3, 3, 3]);
    expect(t.fifo.blockedOn()).toBe('full (3/3): waiting for top.mon to pop (its s_ready is 0)');
    expect(w.error!.message).toContain('top.fifo: full (3/3): waiting for top.mon to pop');
  });

  it('depth Infinity grows its ring, keeps order and reports the high-water mark', async () => {
    const t = fifoBench({ depth: Infinity, n: 100, pReady: (c) => c > 80 });
    await runUntil(t.b, () => t.mon.count === 100);
    expect(t.sb.finish()).toBeNull();
    // One push per cycle for 80 edges before the first pop; then push and pop together.
    expect(t.fifo.highWater).toBe(80);
    expect(t.fifo.fullStallCycles).toBe(0);
    expect(t.fifo.blockedOn()).toMatch(/^empty \(0\/Infinity\)/);
  });

  it('rejects a depth that is not an integer >= 1 or Infinity', () => {
    const b = bench();
    for (const depth of [0, -1, 2.5, NaN]) {
      expect(() => new SkipFifo(b.top, `f${String(depth).replace(/\W/g, '_')}`, { clk: b.clk, depth, lanes: L, bits: BITS })).toThrow(/depth must be an integer >= 1 or Infinity/);
    }
  });

  it('random gaps: every beat arrives in order, the protocol holds, occupancy never exceeds depth', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), async (depth, fwft, seed) => {
        const t = fifoBench({ depth, fwft, n: 40, pValid: 0.6, pReady: 0.5, seed });
        await runUntil(t.b, () => t.mon.count === 40, 2000);
        expect(t.sb.finish(), `seed ${seed}`).toBeNull();
        expect(t.fifo.highWater).toBeLessThanOrEqual(depth);
        expect(t.fifo.pushes).toBe(40);
        expect(t.chkOut.beats).toBe(40);
        expect(t.chkIn.stallCycles).toBe(t.fifo.fullStallCycles);
      }),
      { numRuns: 30 },
    );
  });
});

describe('SkipFifo (first-word fall-through)', () => {
  it('latency 0 through an empty FIFO: a beat leaves at the edge it arrives, without being stored', async () => {
    const t = fifoBench({ depth: 1, fwft: true, n: 5 });
    await runUntil(t.b, () => t.mon.count === 5);
    expect(t.drv.sentCycles).toEqual([1, 2, 3, 4, 5]);
    expect(t.mon.cyclesOf).toEqual([1, 2, 3, 4, 5]);
    expect(t.fifo.highWater).toBe(0);
    expect(t.fifo.latency).toBe(0);
    expect(t.fifo.pushes).toBe(5);
    expect(t.fifo.pops).toBe(5);
  });

  it('stores when the consumer stalls; s_ready stays a register (full refuses a push while popping)', async () => {
    const t = fifoBench({ depth: 1, fwft: true, n: 4, pReady: (c) => c !== 2 });
    await runUntil(t.b, () => t.mon.count === 4);
    // Beat 1 bypasses at edge 1. Beat 2 is stored at edge 2 (consumer not ready), popped at edge 3 while
    // the full FIFO refuses beat 3, which then bypasses at edge 4.
    expect(t.drv.sentCycles).toEqual([1, 2, 4, 5]);
    expect(t.mon.cyclesOf).toEqual([1, 3, 4, 5]);
    expect(t.fifo.highWater).toBe(1);
    expect(t.fifo.fullStallCycles).toBe(1);
  });
});
