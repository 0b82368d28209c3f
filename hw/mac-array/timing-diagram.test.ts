// Per-edge behaviour of a 2x2 weight-stationary array, and the WaveJSON diagram in
// docs/components-mac-array.md, which must stay what this simulation produces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { waveJsonFromCycles, type CycleSignal } from '../../waves/wavejson.ts';
import { MacArray } from './mac-array.ts';
import { s8, type WsPe } from './pe.ts';

const CTL_NAMES = ['nop', 'load', 'mac', 'first', 'drain'];
const DOC = new URL('../../docs/components-mac-array.md', import.meta.url);

/** Values after each of the first `edges` rising edges (edge 0 issues the layer). */
async function record(edges: number) {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const mac = new MacArray(top, 'mac', { clk, rows: 2, cols: 2, dataflow: 'ws', mode: 'data' });
  const pe = (r: number, c: number) => mac.pes[r]![c] as WsPe;
  const lanes: [string, Signal, (v: number) => number | string][] = [
    ['ctl', mac.ctl, (v) => CTL_NAMES[v]!],
    ['top_0', mac.top[0]!, s8],
    ['top_1', mac.top[1]!, s8],
    ['left_0', mac.left[0]!, s8],
    ['left_1', mac.left[1]!, s8],
    ['pe_0_0.p', pe(0, 0).p, (v) => v | 0],
    ['pe_0_1.a', pe(0, 1).a, s8],
    ['pe_1_0.p', pe(1, 0).p, (v) => v | 0],
    ['pe_1_1.p', pe(1, 1).p, (v) => v | 0],
    ['busy', mac.busy, (v) => v],
  ];
  const values = lanes.map(() => [] as (number | string)[]);
  // A clocked process reads pre-edge values: at edge e it sees what edge e-1 produced.
  const rec = new Module(top, 'rec');
  rec.onRising(clk, () => lanes.forEach(([, s, f], i) => values[i]!.push(f(s.value))));
  // C = A (3x2) * B (2x2) = [[7, 10], [15, 22], [23, 34]]
  mac.start({ kind: 'matmul', m: 3, k: 2, n: 2 }, { a: Int8Array.of(1, 2, 3, 4, 5, 6), b: Int8Array.of(1, 2, 3, 4) });
  await sim.run({ cycles: edges + 1, clock: clk });
  const out: Record<string, (number | string)[]> = {};
  lanes.forEach(([name], i) => (out[name] = values[i]!.slice(1)));
  return out;
}

describe('2x2 weight-stationary array, edge by edge', () => {
  it('loads weights bottom row first, skews activations, and emits C one column later per column', async () => {
    const v = await record(10);
    // edge 0 issues load, edges 1-2 load, edges 3-7 MAC (fill 1 + stream 3 + drain 1), edge 8 writes back.
    expect(v.ctl).toEqual(['load', 'load', 'mac', 'mac', 'mac', 'mac', 'mac', 'nop', 'nop', 'nop']);
    expect(v.busy).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(v.top_0).toEqual([3, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(v.left_0).toEqual([0, 0, 1, 3, 5, 0, 0, 0, 0, 0]);
    expect(v.left_1).toEqual([0, 0, 0, 2, 4, 6, 0, 0, 0, 0]);
    expect(v['pe_1_0.p']).toEqual([0, 0, 0, 0, 7, 15, 23, 0, 0, 0]);
    expect(v['pe_1_1.p']).toEqual([0, 0, 0, 0, 0, 10, 22, 34, 34, 34]); // registers hold under nop
  });

  it('matches the wavejson block of docs/components-mac-array.md', async () => {
    const v = await record(10);
    const signals: CycleSignal[] = [
      { name: 'clk', values: v.ctl!.map(() => 0), clock: true },
      ...Object.entries(v).map(([name, values]) => (name === 'busy' ? { name, values, width: 1 } : { name, values: values.map(String) })),
    ];
    const wave = waveJsonFromCycles(signals, { title: '2x2 ws: C(3x2) = A(3x2) * B(2x2); column i = values after edge i' });
    const doc = readFileSync(DOC, 'utf8');
    const block = /```wavejson\n([\s\S]*?)\n```/.exec(doc);
    expect(block, 'docs/components-mac-array.md has a ```wavejson block').not.toBeNull();
    expect(JSON.parse(block![1]!), `regenerate the doc block:\n${JSON.stringify(wave)}`).toEqual(wave);
  });
});
