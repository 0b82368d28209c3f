import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type SimError } from '../../sim/errors.ts';
import { addSatTensor, relu } from '../../testbench/ref/quant.ts';
import { randomTensor } from '../../testbench/ref/tensor.ts';
import { Scoreboard } from '../../testbench/drivers/scoreboard.ts';
import { StreamDriver, type Gaps } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { beatsToTensor, tensorToBeats } from '../../testbench/drivers/tensor-beats.ts';
import { beatWires, bench, numberedBeats, runUntil } from '../../testbench/drivers/testing.ts';
import { makeRng } from '../../testbench/stimulus/random.ts';
import { Adder, type AdderOptions } from './adder.ts';
import { makeBeat, type Beat } from './beat.ts';
import { ProtocolChecker } from './protocol-checker.ts';

interface Rig {
  a: readonly Beat[];
  b: readonly Beat[];
  lanes: number;
  pA?: Gaps;
  pB?: Gaps;
  pOut?: Gaps;
  seed?: number;
  opts?: Partial<AdderOptions>;
  timing?: boolean;
}

function adderBench(r: Rig) {
  const t = bench();
  const inBits = r.opts?.inBits ?? 8;
  const outBits = r.opts?.outBits ?? inBits;
  const seed = r.seed ?? 1;
  const da = new StreamDriver(t.top, 'main', { clk: t.clk, beats: r.a, lanes: r.lanes, bits: inBits, pValid: r.pA, seed });
  const db = new StreamDriver(t.top, 'skip', { clk: t.clk, beats: r.b, lanes: r.lanes, bits: inBits, pValid: r.pB, seed: seed + 1 });
  const add = new Adder(t.top, 'add', { clk: t.clk, lanes: r.lanes, ...r.opts });
  const mon = new StreamMonitor(t.top, 'mon', { clk: t.clk, lanes: r.lanes, bits: outBits, pReady: r.pOut, seed: seed + 2 });
  const wa = beatWires(t.top, 'a', r.lanes, inBits);
  const wb = beatWires(t.top, 'b', r.lanes, inBits);
  const wm = beatWires(t.top, 'sum', r.lanes, outBits);
  da.m.bind(wa);
  add.a.bind(wa);
  db.m.bind(wb);
  add.b.bind(wb);
  add.m.bind(wm);
  mon.s.bind(wm);
  const chk = [wa, wb, wm].map((w, i) => new ProtocolChecker(t.top, `chk${i}`, w, { clk: t.clk, lanes: r.lanes, bits: i === 2 ? outBits : inBits, mode: r.timing ? 'timing' : 'data' }));
  return { t, da, db, add, mon, chk };
}

const tag = (x: number) => ({ frame: 0, y: 0, x, group: 0 });

describe('Adder', () => {
  it('saturating lane-wise add, optional ReLU, wider outputs', async () => {
    const a = [makeBeat(Int8Array.of(100, -100, 50, -128), tag(0), true)];
    const b = [makeBeat(Int8Array.of(100, -100, -60, 127), tag(0), true)];
    const results: number[][] = [];
    for (const opts of [{}, { relu: true }, { outBits: 9 }, { outBits: 9, relu: true }]) {
      const r = adderBench({ a, b, lanes: 4, opts });
      await runUntil(r.t, () => r.mon.count === 1);
      results.push(Array.from(r.mon.beats[0]!.lanes!));
      expect(r.mon.beats[0]!.tag).toEqual(tag(0));
      expect(r.mon.beats[0]!.last).toBe(true);
    }
    expect(results).toEqual([
      [127, -128, -10, -1],
      [127, 0, 0, 0],
      [200, -200, -10, -1],
      [200, 0, 0, 0],
    ]);
  });

  it('latency 1, one join per cycle; ops, bytes and arithmetic intensity', async () => {
    const a = numberedBeats(6, 8);
    const r = adderBench({ a, b: a, lanes: 8 });
    await runUntil(r.t, () => r.mon.count === 6);
    expect(r.da.sentCycles).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.db.sentCycles).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.mon.cyclesOf).toEqual([2, 3, 4, 5, 6, 7]);
    expect(r.add.beats).toBe(6);
    expect(r.add.ops).toBe(48);
    expect(r.add.bytes).toBe(144); // 2 reads + 1 write of one byte per lane
    expect(r.add.arithmeticIntensity).toBeCloseTo(1 / 3, 12);
    expect(Adder.latency).toBe(1);
    expect(Adder.skipPathExtraSlots).toBe(0);
    const wide = adderBench({ a: numberedBeats(2, 4, { int32: true }), b: numberedBeats(2, 4, { int32: true }), lanes: 4, opts: { inBits: 16, outBits: 32 } });
    await runUntil(wide.t, () => wide.mon.count === 2);
    expect(wide.add.bytes).toBe(2 * 4 * (2 * 2 + 4));
    expect(wide.add.arithmeticIntensity).toBeCloseTo(1 / 8, 12);
  });

  it('stalls while either input is missing and counts the waits per side', async () => {
    // The main path (a) starts offering in cycle 5; the skip path (b) from cycle 1.
    const beats = numberedBeats(3, 2);
    const r = adderBench({ a: beats, b: beats, lanes: 2, pA: (c) => c >= 5 });
    await runUntil(r.t, () => r.mon.count === 3);
    expect(r.add.waitingForA).toBe(4); // edges 1..4
    expect(r.add.waitingForB).toBe(0);
    expect(r.db.sentCycles).toEqual([5, 6, 7]);
    expect(r.mon.cyclesOf).toEqual([6, 7, 8]);
    const s = adderBench({ a: beats, b: beats, lanes: 2, pB: (c) => c >= 3 });
    await runUntil(s.t, () => s.mon.count === 3);
    expect(s.add.waitingForB).toBe(2);
    expect(s.add.waitingForA).toBe(0);
  });

  it('back-pressure: the output slot is refilled at the edge it empties; a full slot holds both inputs', async () => {
    const beats = numberedBeats(4, 2);
    // Consumer not ready in cycles 2..3.
    const r = adderBench({ a: beats, b: beats, lanes: 2, pOut: (c) => c < 2 || c > 3 });
    await runUntil(r.t, () => r.mon.count === 4);
    expect(r.mon.cyclesOf).toEqual([4, 5, 6, 7]);
    expect(r.da.sentCycles).toEqual([1, 4, 5, 6]);
    expect(r.add.outputStallCycles).toBe(2);
    expect(r.chk[0]!.stallCycles).toBe(2);
  });

  it('matches addSat (+ ReLU) of the reference over whole tensors under random gaps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.boolean(), async (seed, withRelu) => {
        const rng = makeRng(seed);
        const x = randomTensor(rng, 3, 4, 10);
        const f = randomTensor(rng, 3, 4, 10);
        const want = withRelu ? relu(addSatTensor(f, x)) : addSatTensor(f, x);
        const r = adderBench({ a: tensorToBeats(f, 4), b: tensorToBeats(x, 4), lanes: 4, pA: 0.6, pB: 0.5, pOut: 0.7, seed, opts: { relu: withRelu } });
        const sb = new Scoreboard({ expected: tensorToBeats(want, 4), seed });
        await runUntil(r.t, () => r.mon.count === 36, 2000);
        expect(sb.check(r.mon.beats)?.message ?? null).toBeNull();
        expect(beatsToTensor(r.mon.beats, want.shape).data).toEqual(want.data);
        expect(r.add.waitingForA + r.add.waitingForB).toBeGreaterThan(0);
        for (const c of r.chk) expect(c.violations).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it('debug mode: mismatched tags fail with both tags and the cycle', async () => {
    const a = numberedBeats(4, 2);
    const b = [...a];
    b[2] = makeBeat(b[2]!.lanes, { frame: 0, y: 0, x: 3, group: 0 });
    const r = adderBench({ a, b, lanes: 2 });
    const e = (await runUntil(r.t, () => r.mon.count === 4).catch((x: unknown) => x)) as SimError;
    expect(e.code).toBe(ErrorCodes.CHECK_FAILED);
    expect(e.message).toContain('top.add: at cycle 3 operands do not belong together: main path (a) has frame 0 y 0 x 2 group 0 but skip path (b) has frame 0 y 0 x 3 group 0');
  });

  it('timing mode: no arithmetic, the same handshakes and cycles as data mode', async () => {
    const runs = [];
    for (const data of [true, false]) {
      const beats = numberedBeats(20, 4, { data });
      const r = adderBench({ a: beats, b: beats, lanes: 4, pA: 0.5, pB: 0.6, pOut: 0.5, seed: 77, timing: !data });
      await runUntil(r.t, () => r.mon.count === 20);
      runs.push(r);
      expect(r.mon.beats.every((bt) => (bt.lanes === null) === !data)).toBe(true);
    }
    expect(runs[1]!.mon.cyclesOf).toEqual(runs[0]!.mon.cyclesOf);
    expect(runs[1]!.add.ops).toBe(runs[0]!.add.ops);
    expect([runs[1]!.add.waitingForA, runs[1]!.add.waitingForB]).toEqual([runs[0]!.add.waitingForA, runs[0]!.add.waitingForB]);
  });

  it('fails when one operand has lanes and the other does not', async () => {
    const r = adderBench({ a: numberedBeats(1, 2), b: numberedBeats(1, 2, { data: false }), lanes: 2 });
    await expect(runUntil(r.t, () => r.mon.count === 1)).rejects.toThrow(/one operand carries lanes and the other does not/);
  });

  it('says which input it waits for', async () => {
    const beats = numberedBeats(2, 2);
    const r = adderBench({ a: beats, b: beats, lanes: 2, pA: () => false });
    expect(r.add.blockedOn()).toBe('waiting for both inputs: main path (input a) and skip path (input b)');
    await r.t.sim.run({ cycles: 2, clock: r.t.clk });
    expect(r.add.blockedOn()).toBe('waiting for main path (input a, from top.main)');
    const s = adderBench({ a: beats, b: beats, lanes: 2, pOut: () => false });
    await s.t.sim.run({ cycles: 3, clock: s.t.clk });
    expect(s.add.blockedOn()).toBe('output full: waiting for top.mon to take the sum (its s_ready is 0)');
  });
});
