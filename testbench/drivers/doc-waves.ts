/**
 * The timing diagrams of docs/components-stream.md, produced by simulating each component in a tiny
 * scenario. doc-waves.test.ts checks that the diagrams in the doc equal these, so the doc cannot drift
 * from the hardware. Column c of a diagram is cycle c: the values signals hold before rising edge c
 * (a transfer happens at the edge that ends a column where valid and ready are both 1).
 */
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { Adder } from '../../hw/stream/adder.ts';
import type { Beat } from '../../hw/stream/beat.ts';
import { Fork } from '../../hw/stream/fork.ts';
import { ReluRequant } from '../../hw/stream/relu-requant.ts';
import { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import type { StreamWires } from '../../hw/stream/stream.ts';
import { WidthConverter } from '../../hw/stream/width-converter.ts';
import { waveJsonFromCycles, type CycleSignal, type WaveJson } from '../../waves/wavejson.ts';
import { makeRng } from '../stimulus/random.ts';
import { randomTensor } from '../ref/tensor.ts';
import { StreamDriver, type Gaps } from './stream-driver.ts';
import { StreamMonitor } from './stream-monitor.ts';
import { tensorToBeats } from './tensor-beats.ts';
import { beatWires, bench, numberedBeats, type Bench } from './testing.ts';

type Probe = { name: string; sig: Signal<any>; kind: 'bit' | 'beat' | 'int' };

/** Records each probe's value before every rising edge. */
class Sampler extends Module {
  readonly values: unknown[][];
  constructor(parent: Module, clk: Signal<number>, probes: readonly Probe[]) {
    super(parent, 'sampler');
    this.values = probes.map(() => []);
    this.onRising(clk, () => probes.forEach((p, i) => this.values[i]!.push(p.sig.value)));
  }
}

/** A beat's diagram label: b<x>, with .<group> when the beat is one of several groups of a pixel. */
function label(b: Beat | null, groups: boolean): string | null {
  if (b === null) return null;
  if (b.tag === null) return 'beat';
  return groups ? `b${b.tag.x}.${b.tag.group}` : `b${b.tag.x}`;
}

function stream(prefix: string, w: StreamWires<Beat | null>): Probe[] {
  return [
    { name: `${prefix}_valid`, sig: w.valid, kind: 'bit' },
    { name: `${prefix}_ready`, sig: w.ready, kind: 'bit' },
    { name: `${prefix}_data`, sig: w.data, kind: 'beat' },
  ];
}

async function record(b: Bench, probes: Probe[], cycles: number, title: string, groups = false): Promise<WaveJson> {
  const s = new Sampler(b.top, b.clk, probes);
  await b.sim.run({ cycles, clock: b.clk });
  const signals: CycleSignal[] = [{ name: 'clk', values: new Array(cycles).fill(0), clock: true }];
  probes.forEach((p, i) => {
    const vals = s.values[i]!;
    if (p.kind === 'bit') signals.push({ name: p.name, values: vals as number[], width: 1 });
    else if (p.kind === 'int') signals.push({ name: p.name, values: vals as number[], width: 32, format: 'dec' });
    else signals.push({ name: p.name, values: (vals as (Beat | null)[]).map((v) => label(v, groups)) });
  });
  return waveJsonFromCycles(signals, { title });
}

function source(b: Bench, beats: readonly Beat[], lanes: number, bits: number, pValid: Gaps, name = 'src') {
  const d = new StreamDriver(b.top, name, { clk: b.clk, beats, lanes, bits, pValid });
  const w = beatWires(b.top, `${name}_w`, lanes, bits);
  d.m.bind(w);
  return w;
}

function sink(b: Bench, w: StreamWires<Beat | null>, lanes: number, bits: number, pReady: Gaps, name = 'snk') {
  new StreamMonitor(b.top, name, { clk: b.clk, lanes, bits, pReady }).s.bind(w);
}

/** Every diagram of the doc, by id. */
export async function docWaves(): Promise<Record<string, WaveJson>> {
  const out: Record<string, WaveJson> = {};

  {
    const b = bench();
    const w = source(b, numberedBeats(3, 4), 4, 8, (c) => c === 2 || c >= 5);
    sink(b, w, 4, 8, (c) => c >= 4 && c !== 6);
    out['checker'] = await record(b, stream('s', w), 8, 'ProtocolChecker: idle, stall, beat');
  }

  for (const [id, depth, fwft, pReady, n, cycles, title] of [
    ['fifo-depth2', 2, false, (c: number) => c >= 4, 4, 9, 'SkipFifo, depth 2'],
    ['fifo-depth1', 1, false, () => true, 3, 7, 'SkipFifo, depth 1'],
    ['fifo-fwft', 1, true, (c: number) => c !== 2, 4, 6, 'SkipFifo, depth 1, FWFT'],
  ] as const) {
    const b = bench();
    const w = source(b, numberedBeats(n, 4), 4, 8, 1);
    const f = new SkipFifo(b.top, 'fifo', { clk: b.clk, depth, fwft, lanes: 4, bits: 8 });
    f.s.bind(w);
    const m = beatWires(b.top, 'm', 4, 8);
    f.m.bind(m);
    sink(b, m, 4, 8, pReady);
    out[id] = await record(b, [...stream('s', w), ...stream('m', m), { name: 'occupancy', sig: f.occupancy, kind: 'int' }], cycles, title);
  }

  {
    const b = bench();
    const w = source(b, numberedBeats(4, 4), 4, 8, 1);
    const f = new Fork(b.top, 'fork', { clk: b.clk, branches: ['main', 'skip'], lanes: 4, bits: 8 });
    f.s.bind(w);
    const mw = beatWires(b.top, 'main', 4, 8);
    const sw = beatWires(b.top, 'skip', 4, 8);
    f.branch('main').bind(mw);
    f.branch('skip').bind(sw);
    sink(b, mw, 4, 8, (c) => c !== 2, 'main_snk');
    sink(b, sw, 4, 8, (c) => c < 3 || c > 4, 'skip_snk');
    const probes: Probe[] = [
      ...stream('s', w),
      { name: 'main_valid', sig: mw.valid, kind: 'bit' },
      { name: 'main_ready', sig: mw.ready, kind: 'bit' },
      { name: 'skip_valid', sig: sw.valid, kind: 'bit' },
      { name: 'skip_ready', sig: sw.ready, kind: 'bit' },
    ];
    out['fork'] = await record(b, probes, 7, 'Fork, 2 branches');
  }

  {
    const b = bench();
    const beats = numberedBeats(3, 4);
    const a = source(b, beats, 4, 8, (c) => c >= 3, 'main');
    const s = source(b, beats, 4, 8, 1, 'skip');
    const add = new Adder(b.top, 'add', { clk: b.clk, lanes: 4 });
    add.a.bind(a);
    add.b.bind(s);
    const m = beatWires(b.top, 'sum', 4, 8);
    add.m.bind(m);
    sink(b, m, 4, 8, (c) => c !== 5);
    out['adder'] = await record(b, [...stream('a', a), ...stream('b', s), ...stream('m', m)], 8, 'Adder');
  }

  {
    const b = bench();
    const w = source(b, tensorToBeats(randomTensor(makeRng(1), 1, 2, 8), 8), 8, 8, 1);
    const c = new WidthConverter(b.top, 'split', { clk: b.clk, inLanes: 8, outLanes: 2, bits: 8 });
    c.s.bind(w);
    const m = beatWires(b.top, 'm', 2, 8);
    c.m.bind(m);
    sink(b, m, 2, 8, 1);
    out['split'] = await record(b, [...stream('s', w), ...stream('m', m)], 10, 'WidthConverter, split 8 -> 2 lanes', true);
  }

  {
    const b = bench();
    const w = source(b, tensorToBeats(randomTensor(makeRng(1), 1, 2, 8), 2), 2, 8, 1);
    const c = new WidthConverter(b.top, 'pack', { clk: b.clk, inLanes: 2, outLanes: 8, bits: 8 });
    c.s.bind(w);
    const m = beatWires(b.top, 'm', 8, 8);
    c.m.bind(m);
    sink(b, m, 8, 8, (k) => k < 5 || k >= 9);
    out['pack'] = await record(b, [...stream('s', w), ...stream('m', m)], 11, 'WidthConverter, pack 2 -> 8 lanes', true);
  }

  {
    const b = bench();
    const acc = numberedBeats(4, 4, { int32: true });
    const w = source(b, acc, 4, 32, 1);
    const r = new ReluRequant(b.top, 'rq', { clk: b.clk, lanes: 4, scale: 3, shift: 2, relu: true });
    r.s.bind(w);
    const m = beatWires(b.top, 'm', 4, 8);
    r.m.bind(m);
    sink(b, m, 4, 8, (c) => c !== 3 && c !== 4);
    out['relu-requant'] = await record(b, [...stream('s', w), ...stream('m', m)], 8, 'ReluRequant');
  }
  return out;
}
