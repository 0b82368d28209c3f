import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { macArrayCycles } from '../mac-array/formula.ts';
import type { MacLayer } from '../mac-array/layer.ts';
import { ComputeUnit, idealEngine, macArrayEngine } from './compute.ts';

const conv: MacLayer = { kind: 'conv', h: 14, w: 14, c: 64, kh: 3, kw: 3, filters: 64, stride: 1, pad: 1 };

describe('ComputeEngine', () => {
  it('macArrayEngine is the MacArray closed form', () => {
    const cfg = { rows: 16, cols: 16, dataflow: 'ws' as const };
    const r = macArrayCycles(cfg, conv);
    expect(macArrayEngine(cfg).layerCycles(conv)).toEqual({ cycles: r.cycles, macs: r.macs });
    expect(r.macs).toBe(14 * 14 * 64 * 9 * 64);
  });

  it('idealEngine: ceil(macs / rate)', () => {
    expect(idealEngine(1024).layerCycles(conv)).toEqual({ cycles: Math.ceil((14 * 14 * 64 * 9 * 64) / 1024), macs: 14 * 14 * 64 * 9 * 64 });
    expect(() => idealEngine(0)).toThrow(/macsPerCycle: expected a positive integer, got 0/);
  });
});

describe('ComputeUnit', () => {
  it('is busy for the engine cycles per layer, in order; done one edge after its last busy edge', async () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
    const engine = { name: 'fixed', layerCycles: (l: MacLayer) => ({ cycles: l.kind === 'matmul' ? l.m : 1, macs: 7 }) };
    const cu = new ComputeUnit(top, 'cu', clk, engine);
    const busy: number[] = [];
    top.onRising(clk, () => busy.push(cu.busy.value));
    await sim.run({ cycles: 1, clock: clk });
    const a = cu.run({ kind: 'matmul', m: 5, k: 1, n: 1 });
    const b = cu.run({ kind: 'matmul', m: 3, k: 1, n: 1 });
    await sim.run({ cycles: 12, clock: clk });
    // issued after edge 1: a busy at edges 2..6, done from 7; b busy 7..9, done from 10
    expect([a.startCycle, a.readyCycle, b.startCycle, b.readyCycle]).toEqual([2, 7, 7, 10]);
    expect(cu.busyCycles).toBe(8);
    expect(cu.macs).toBe(14);
    expect(cu.isDone(b)).toBe(true);
    // the traced busy flag as seen by a process at each edge (pre-edge value)
    expect(busy.slice(0, 11).join('')).toBe('00111111110');
  });
});
