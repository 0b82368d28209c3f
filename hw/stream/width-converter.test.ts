import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Scoreboard } from '../../testbench/drivers/scoreboard.ts';
import { StreamDriver, type Gaps } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { tensorToBeats } from '../../testbench/drivers/tensor-beats.ts';
import { beatWires, bench, runUntil } from '../../testbench/drivers/testing.ts';
import { randomTensor } from '../../testbench/ref/tensor.ts';
import { makeRng } from '../../testbench/stimulus/random.ts';
import type { Beat } from './beat.ts';
import { ProtocolChecker } from './protocol-checker.ts';
import { WidthConverter } from './width-converter.ts';

/** driver -> converters in a chain (lane counts `chain`) -> monitor. */
function convBench(beats: readonly Beat[], chain: readonly number[], pValid: Gaps = 1, pReady: Gaps = 1, seed = 1, timing = false) {
  const t = bench();
  const drv = new StreamDriver(t.top, 'drv', { clk: t.clk, beats, lanes: chain[0]!, bits: 8, pValid, seed });
  let w = beatWires(t.top, 'w0', chain[0]!, 8);
  drv.m.bind(w);
  const convs: WidthConverter[] = [];
  const checks: ProtocolChecker[] = [new ProtocolChecker(t.top, 'chk0', w, { clk: t.clk, lanes: chain[0]!, bits: 8, mode: timing ? 'timing' : 'data' })];
  for (let i = 1; i < chain.length; i++) {
    const c = new WidthConverter(t.top as Module, `conv${i}`, { clk: t.clk, inLanes: chain[i - 1]!, outLanes: chain[i]!, bits: 8 });
    c.s.bind(w);
    w = beatWires(t.top, `w${i}`, chain[i]!, 8);
    c.m.bind(w);
    convs.push(c);
    checks.push(new ProtocolChecker(t.top, `chk${i}`, w, { clk: t.clk, lanes: chain[i]!, bits: 8, mode: timing ? 'timing' : 'data' }));
  }
  const mon = new StreamMonitor(t.top, 'mon', { clk: t.clk, lanes: chain[chain.length - 1]!, bits: 8, pReady, seed: seed + 1 });
  mon.s.bind(w);
  return { t, drv, convs, mon, checks };
}

describe('WidthConverter', () => {
  it('split 8 -> 2: four pieces per beat, groups 4g+i, last on the final piece; latency 1, 1 beat/cycle out', async () => {
    const x = randomTensor(makeRng(3), 1, 2, 8);
    const wide = tensorToBeats(x, 8);
    const r = convBench(wide, [8, 2]);
    await runUntil(r.t, () => r.mon.count === 8);
    const c = r.convs[0]!;
    expect(c.mode).toBe('split');
    expect(c.ratio).toBe(4);
    expect(r.drv.sentCycles).toEqual([1, 5]);
    expect(r.mon.cyclesOf).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Scoreboard({ expected: tensorToBeats(x, 2) }).check(r.mon.beats)).toBeNull();
    expect(r.mon.beats.map((b) => b.last)).toEqual([false, false, false, false, false, false, false, true]);
    expect([c.inBeats, c.outBeats, c.inputStallCycles, c.outputStallCycles]).toEqual([2, 8, 3, 0]);
  });

  it('pack 2 -> 8: one output beat per four inputs, latency 1 from the last piece, 1 input beat/cycle', async () => {
    const x = randomTensor(makeRng(4), 1, 3, 8);
    const r = convBench(tensorToBeats(x, 2), [2, 8]);
    await runUntil(r.t, () => r.mon.count === 3);
    const c = r.convs[0]!;
    expect(c.mode).toBe('pack');
    expect(r.drv.sentCycles).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.mon.cyclesOf).toEqual([5, 9, 13]);
    expect(new Scoreboard({ expected: tensorToBeats(x, 8) }).check(r.mon.beats)).toBeNull();
    expect([c.inBeats, c.outBeats, c.inputStallCycles]).toEqual([12, 3, 0]);
  });

  it('pack keeps taking pieces while the previous word waits, and stalls only on the last piece', async () => {
    const x = randomTensor(makeRng(5), 1, 2, 4);
    // Consumer not ready until cycle 8: word 0 (ready after edge 2) waits; pieces 2 is taken, piece 3 waits.
    const r = convBench(tensorToBeats(x, 2), [2, 4], 1, (c) => c >= 8);
    await runUntil(r.t, () => r.mon.count === 2);
    expect(r.drv.sentCycles).toEqual([1, 2, 3, 8]);
    expect(r.mon.cyclesOf).toEqual([8, 9]);
    expect(r.convs[0]!.inputStallCycles).toBe(4); // edges 4..7
    expect(r.convs[0]!.outputStallCycles).toBe(5); // edges 3..7
  });

  it('ratio 1 is a register slice', async () => {
    const beats = tensorToBeats(randomTensor(makeRng(6), 2, 2, 4), 4);
    const r = convBench(beats, [4, 4]);
    await runUntil(r.t, () => r.mon.count === 4);
    expect(r.mon.cyclesOf).toEqual([2, 3, 4, 5]);
    r.mon.beats.forEach((b, i) => expect(b).toBe(beats[i]));
  });

  it('split then pack restores the stream under random gaps, in data and timing mode', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom([8, 2, 8], [4, 1, 4], [2, 6, 3, 6, 2], [6, 3, 6]), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), async (chain, seed, data) => {
        const x = randomTensor(makeRng(seed), 2, 3, 12);
        const beats = tensorToBeats(x, chain[0]!, 1, true, data);
        const r = convBench(beats, chain, 0.7, 0.6, seed, !data);
        await runUntil(r.t, () => r.mon.count === beats.length, 3000);
        expect(new Scoreboard({ expected: beats, seed, timingOnly: !data }).check(r.mon.beats)?.message ?? null).toBeNull();
        for (const c of r.checks) expect(c.violations).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('pack in debug mode fails on pieces that are not consecutive groups of one pixel', async () => {
    const x = randomTensor(makeRng(7), 1, 2, 4);
    const beats = tensorToBeats(x, 2);
    const swapped = [beats[0]!, beats[2]!, beats[1]!, beats[3]!];
    const r = convBench(swapped, [2, 4]);
    await expect(runUntil(r.t, () => r.mon.count === 2)).rejects.toThrow(
      'top.conv1: at cycle 2 piece 1 of an output word has frame 0 y 0 x 1 group 0 after frame 0 y 0 x 0 group 0; expected group 1 of the same pixel',
    );
  });

  it('pack fails when the frame ends mid-word', async () => {
    const beats = tensorToBeats(randomTensor(makeRng(8), 1, 1, 6), 2, 0, false); // 3 pieces, ratio 2
    const r = convBench(beats, [2, 4]);
    await expect(runUntil(r.t, () => r.mon.count === 2, 20)).rejects.toThrow(/at cycle 3 beat \{\(untagged\), last, lanes \[.*\]\} carries last but is piece 0 of 2 of an output word/);
  });

  it('rejects ratios that are not integers', () => {
    const t = bench();
    expect(() => new WidthConverter(t.top, 'c', { clk: t.clk, inLanes: 6, outLanes: 4, bits: 8 })).toThrow(/must be integer multiples/);
  });
});
