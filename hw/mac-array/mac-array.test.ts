import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { conv2d, randomWeights } from '../../testbench/ref/conv2d.ts';
import { matmulRef, randomMatrix } from '../../testbench/ref/matmul.ts';
import { randomTensor } from '../../testbench/ref/tensor.ts';
import { makeRng, type Rng } from '../../testbench/stimulus/random.ts';
import { macArrayCycles } from './formula.ts';
import type { ArrayConfig, ConvLayer, MacLayer, MacOperands } from './layer.ts';
import { MacArray } from './mac-array.ts';
import { simulateLayer } from './run.ts';

const conv = (h: number, w: number, c: number, k: number, filters: number, stride = 1, pad = 0): ConvLayer => ({
  kind: 'conv', h, w, c, kh: k, kw: k, filters, stride, pad,
});

/** Random operands and the golden result from testbench/ref. */
function stimulus(rng: Rng, l: MacLayer): { ops: MacOperands; expected: Int32Array } {
  if (l.kind === 'matmul') {
    const a = randomMatrix(rng, l.m, l.k);
    const b = randomMatrix(rng, l.k, l.n);
    return { ops: { a: a.data, b: b.data }, expected: matmulRef(a, b).data };
  }
  const x = randomTensor(rng, l.h, l.w, l.c);
  const w = randomWeights(rng, l.kh, l.kw, l.c, l.filters);
  return { ops: { a: x.data, b: w.data }, expected: conv2d(x, { weights: w, stride: l.stride, pad: l.pad }).data };
}

const LAYERS: MacLayer[] = [
  { kind: 'matmul', m: 1, k: 1, n: 1 },
  { kind: 'matmul', m: 5, k: 7, n: 3 },
  { kind: 'matmul', m: 2, k: 9, n: 11 },
  conv(5, 4, 3, 3, 4, 1, 1),
  conv(7, 6, 2, 3, 5, 2, 1),
  conv(4, 4, 5, 1, 3),
  conv(6, 6, 1, 2, 2, 2, 0),
];
const ARRAYS: [number, number][] = [[1, 1], [2, 2], [3, 2], [2, 5], [4, 4]];

describe('MacArray data mode', () => {
  it('is bit-exact against matmulRef / conv2d, and data, timing and formula agree on every count', async () => {
    const rng = makeRng('mac-array-grid');
    for (const dataflow of ['ws', 'os'] as const) {
      for (const [rows, cols] of ARRAYS) {
        const cfg: ArrayConfig = { rows, cols, dataflow };
        for (const l of LAYERS) {
          const what = JSON.stringify({ cfg, l, seed: rng.seed });
          const { ops, expected } = stimulus(rng, l);
          const data = await simulateLayer({ ...cfg, mode: 'data' }, l, ops);
          expect(data.output, what).toEqual(expected);
          const timing = await simulateLayer({ ...cfg, mode: 'timing' }, l);
          const formula = macArrayCycles(cfg, l);
          const { output: _o, seconds: _s, ...dataCounts } = data;
          const { seconds: _t, ...timingCounts } = timing;
          expect(timingCounts, what).toEqual(dataCounts);
          expect(dataCounts, what).toEqual(formula);
        }
      }
    }
  });

  it('matches the references for random shapes and arrays (property)', async () => {
    const arb = fc.record({
      rows: fc.integer({ min: 1, max: 5 }),
      cols: fc.integer({ min: 1, max: 5 }),
      dataflow: fc.constantFrom('ws' as const, 'os' as const),
      h: fc.integer({ min: 1, max: 6 }),
      w: fc.integer({ min: 1, max: 6 }),
      c: fc.integer({ min: 1, max: 4 }),
      k: fc.integer({ min: 1, max: 3 }),
      filters: fc.integer({ min: 1, max: 6 }),
      stride: fc.integer({ min: 1, max: 3 }),
      pad: fc.integer({ min: 0, max: 2 }),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        fc.pre(p.h + 2 * p.pad >= p.k && p.w + 2 * p.pad >= p.k);
        const l = conv(p.h, p.w, p.c, p.k, p.filters, p.stride, p.pad);
        const { ops, expected } = stimulus(makeRng(p.seed), l);
        const r = await simulateLayer({ ...p, mode: 'data' }, l, ops);
        expect(r.output).toEqual(expected);
        expect(r.cycles).toBe(macArrayCycles(p, l).cycles);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });

  it('wraps the 32-bit accumulator modulo 2^32 like hardware (no saturation)', async () => {
    const k = 140_000; // 127 * 127 * k > 2^31
    const ops = { a: new Int8Array(k).fill(127), b: new Int8Array(k).fill(127) };
    const r = await simulateLayer({ rows: 1, cols: 1, dataflow: 'os', mode: 'data' }, { kind: 'matmul', m: 1, k, n: 1 }, ops);
    expect(r.output![0]).toBe((127 * 127 * k) | 0);
    expect(r.output![0]).toBeLessThan(0);
  });

  it('runs back-to-back layers on one elaborated module', async () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 2 });
    const mac = new MacArray(top, 'mac', { clk, rows: 3, cols: 2, dataflow: 'ws', mode: 'data' });
    const rng = makeRng(5);
    for (const l of [conv(4, 4, 2, 3, 3, 1, 1), { kind: 'matmul', m: 4, k: 5, n: 3 } as const]) {
      const { ops, expected } = stimulus(rng, l);
      const r = await mac.runLayer(l, ops);
      expect(r.output).toEqual(expected);
      expect(r.cycles).toBe(macArrayCycles({ rows: 3, cols: 2, dataflow: 'ws' }, l).cycles);
    }
  });

  it('rejects misuse with messages naming the problem', async () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 2 });
    const mac = new MacArray(top, 'mac', { clk, rows: 2, cols: 2, dataflow: 'os', mode: 'data' });
    const l = { kind: 'matmul', m: 2, k: 2, n: 2 } as const;
    expect(() => mac.start(l)).toThrow(/operands must be given in data mode/);
    expect(() => mac.start(l, { a: new Int8Array(3), b: new Int8Array(4) })).toThrow(/operands.a must be an Int8Array of A \(m\*k\) = 4 values, got 3/);
    expect(() => mac.result()).toThrow(/result\(\) before the layer finished/);
    mac.start(l, { a: new Int8Array(4), b: new Int8Array(4) });
    expect(() => mac.start(l, { a: new Int8Array(4), b: new Int8Array(4) })).toThrow(/while a layer is still running/);
    const sim2 = new Simulator();
    const top2 = new Module(sim2, 'top');
    const clk2 = sim2.clock(top2, 'clk', { period: 2 });
    expect(() => new MacArray(top2, 'mac', { clk: clk2, rows: 2, cols: -1, dataflow: 'ws' })).toThrow(/cols must be a positive integer, got -1/);
  });
});

describe('MacArray timing mode', () => {
  it('simulates the 56x56x64 3x3x64 layer on 16x16 in seconds, equal to the formula', async () => {
    const l = conv(56, 56, 64, 3, 64, 1, 1);
    for (const dataflow of ['ws', 'os'] as const) {
      const r = await simulateLayer({ rows: 16, cols: 16, dataflow, mode: 'timing' }, l);
      const { seconds, ...counts } = r;
      expect(counts).toEqual(macArrayCycles({ rows: 16, cols: 16, dataflow }, l));
      expect(seconds).toBeLessThan(10);
    }
  });
});
