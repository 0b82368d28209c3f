import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scoreboard } from '../../testbench/drivers/scoreboard.ts';
import { StreamDriver } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { tensorToBeats } from '../../testbench/drivers/tensor-beats.ts';
import { beatWires, bench, runUntil } from '../../testbench/drivers/testing.ts';
import { relu, requantize, requantizeTensor } from '../../testbench/ref/quant.ts';
import { int32Tensor, INT32_MAX, INT32_MIN } from '../../testbench/ref/tensor.ts';
import { makeRng } from '../../testbench/stimulus/random.ts';
import type { Beat } from './beat.ts';
import type { Gaps } from '../../testbench/drivers/stream-driver.ts';
import { ProtocolChecker } from './protocol-checker.ts';
import { ReluRequant, requantLane } from './relu-requant.ts';

describe('requantLane (integer arithmetic) agrees with the reference requantize', () => {
  it('on edge cases: extremes, ties, every shift', () => {
    const accs = [0, 1, -1, 2, -2, 3, -3, 127, -128, 255, -255, 256, 1 << 20, INT32_MAX, INT32_MIN, INT32_MIN + 1, 0x40000000, -0x40000000];
    const scales = [0, 1, -1, 3, 12345, -12345, 1 << 16, INT32_MAX, INT32_MIN, 0x7fff, 0x10001];
    for (const acc of accs) for (const scale of scales) for (let shift = 0; shift <= 63; shift++) {
      const got = requantLane(acc, scale, shift);
      const want = requantize(acc, scale, shift);
      if (got !== want) throw new Error(`requantLane(${acc}, ${scale}, ${shift}) = ${got}, reference ${want}`);
    }
  });

  it('on random int32 operands (both the exact-double path and the 16-bit limb path)', () => {
    const int32 = fc.integer({ min: INT32_MIN, max: INT32_MAX });
    fc.assert(fc.property(int32, int32, fc.integer({ min: 0, max: 63 }), (acc, scale, shift) => requantLane(acc, scale, shift) === requantize(acc, scale, shift)), { numRuns: 20000 });
    // Typical conv use: products near 2^k with shift k rounding at the tie.
    fc.assert(fc.property(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.integer({ min: 1, max: 2 ** 16 }), fc.integer({ min: 8, max: 40 }), (acc, scale, shift) => requantLane(acc, scale, shift) === requantize(acc, scale, shift)), { numRuns: 20000 });
  });

  it('rounds half away from zero', () => {
    expect([requantLane(3, 1, 1), requantLane(-3, 1, 1), requantLane(5, 1, 2), requantLane(-5, 1, 2), requantLane(6, 1, 2), requantLane(-6, 1, 2)]).toEqual([2, -2, 1, -1, 2, -2]);
    expect(Object.is(requantLane(-1, 1, 2), 0)).toBe(true); // no -0
  });
});

function stage(beats: readonly Beat[], lanes: number, scale: number, shift: number, withRelu: boolean, pValid: Gaps = 1, pReady: Gaps = 1, seed = 1, timing = false) {
  const t = bench();
  const drv = new StreamDriver(t.top, 'drv', { clk: t.clk, beats, lanes, bits: 32, pValid, seed });
  const rq = new ReluRequant(t.top, 'rq', { clk: t.clk, lanes, scale, shift, relu: withRelu });
  const mon = new StreamMonitor(t.top, 'mon', { clk: t.clk, lanes, bits: 8, pReady, seed: seed + 1 });
  const wi = beatWires(t.top, 'acc', lanes, 32);
  const wo = beatWires(t.top, 'act', lanes, 8);
  drv.m.bind(wi);
  rq.s.bind(wi);
  rq.m.bind(wo);
  mon.s.bind(wo);
  const mode = timing ? 'timing' : 'data';
  const checks = [new ProtocolChecker(t.top, 'chk_in', wi, { clk: t.clk, lanes, bits: 32, mode }), new ProtocolChecker(t.top, 'chk_out', wo, { clk: t.clk, lanes, bits: 8, mode })];
  return { t, drv, rq, mon, checks };
}

function accTensor(seed: number, h: number, w: number, c: number) {
  const rng = makeRng(seed);
  const t = int32Tensor({ h, w, c });
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.int(-(2 ** 20), 2 ** 20);
  return t;
}

describe('ReluRequant stage', () => {
  it('latency 1, one beat per cycle, tags and last kept, counters', async () => {
    const acc = accTensor(1, 2, 3, 8);
    const r = stage(tensorToBeats(acc, 8), 8, 1234, 18, false);
    await runUntil(r.t, () => r.mon.count === 6);
    expect(r.drv.sentCycles).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.mon.cyclesOf).toEqual([2, 3, 4, 5, 6, 7]);
    expect(ReluRequant.latency).toBe(1);
    expect(new Scoreboard({ expected: tensorToBeats(requantizeTensor(acc, 1234, 18), 8) }).check(r.mon.beats)).toBeNull();
    expect(r.mon.beats.every((b) => b.lanes instanceof Int8Array)).toBe(true);
    expect([r.rq.beats, r.rq.ops, r.rq.inputStallCycles, r.rq.outputStallCycles]).toEqual([6, 48, 0, 0]);
  });

  it('matches relu(requantize(acc)) of the reference under random gaps', async () => {
    for (const seed of [2, 3, 4]) {
      const acc = accTensor(seed, 3, 3, 10);
      const want = relu(requantizeTensor(acc, -777, 16));
      const r = stage(tensorToBeats(acc, 4), 4, -777, 16, true, 0.6, 0.5, seed);
      await runUntil(r.t, () => r.mon.count === 27);
      expect(new Scoreboard({ expected: tensorToBeats(want, 4), seed }).check(r.mon.beats)?.message ?? null).toBeNull();
      for (const c of r.checks) expect(c.violations).toEqual([]);
    }
  });

  it('back-pressure: s_ready = !m_valid || m_ready', async () => {
    const acc = accTensor(5, 1, 4, 2);
    const r = stage(tensorToBeats(acc, 2), 2, 1, 0, false, 1, (c) => c !== 3 && c !== 4);
    await runUntil(r.t, () => r.mon.count === 4);
    expect(r.mon.cyclesOf).toEqual([2, 5, 6, 7]);
    expect(r.drv.sentCycles).toEqual([1, 2, 5, 6]);
    expect([r.rq.inputStallCycles, r.rq.outputStallCycles]).toEqual([2, 2]);
  });

  it('timing mode moves null lanes with the same cycles', async () => {
    const acc = accTensor(6, 2, 2, 4);
    const cycles = [];
    for (const data of [true, false]) {
      const r = stage(tensorToBeats(acc, 4, 0, true, data), 4, 3, 2, true, 0.5, 0.5, 9, !data);
      await runUntil(r.t, () => r.mon.count === 4);
      cycles.push(r.mon.cyclesOf);
      expect(r.mon.beats.every((b) => (b.lanes === null) === !data)).toBe(true);
    }
    expect(cycles[1]).toEqual(cycles[0]);
  });

  it('rejects bad parameters', () => {
    const t = bench();
    expect(() => new ReluRequant(t.top, 'a', { clk: t.clk, lanes: 4, scale: 2 ** 31, shift: 0 })).toThrow(/scale must be an int32/);
    expect(() => new ReluRequant(t.top, 'b', { clk: t.clk, lanes: 4, scale: 1, shift: 64 })).toThrow(/shift must be an integer in 0..63/);
  });
});
