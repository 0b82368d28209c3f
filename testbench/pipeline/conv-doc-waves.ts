/**
 * The timing diagrams of docs/components-conv.md, produced by simulating tiny ConvEngines.
 * conv-doc-waves.test.ts checks that the doc's diagrams equal these, so the doc cannot drift from the model.
 * Column c is cycle c + 1: the values signals hold before rising edge c + 1 (a transfer happens at the
 * edge that ends a column where valid and ready are both 1).
 */
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { beatSignal, type Beat } from '../../hw/stream/beat.ts';
import { connect } from '../../hw/stream/stream.ts';
import { ConvEngine } from '../../hw/conv/conv-engine.ts';
import { waveJsonFromCycles, type CycleSignal, type WaveJson } from '../../waves/wavejson.ts';
import { StreamDriver, StreamMonitor } from '../drivers/index.ts';
import { timingStream } from './conv-chain.ts';

/** Records signal values before every rising edge. */
class Sampler extends Module {
  readonly values: unknown[][];
  constructor(parent: Module, clk: Signal<number>, sigs: readonly Signal<any>[]) {
    super(parent, 'sampler');
    this.values = sigs.map(() => []);
    this.onRising(clk, () => sigs.forEach((s, i) => this.values[i]!.push(s.value)));
  }
}

/** Input beats as y,x (IG = 1 here); output beats as y,x.g. */
const inLabel = (b: Beat | null) => (b?.tag ? `${b.tag.y},${b.tag.x}` : null);
const outLabel = (b: Beat | null) => (b?.tag ? `${b.tag.y},${b.tag.x}.${b.tag.group}` : null);

interface WaveCase {
  title: string;
  cycles: number;
  shape: { height: number; width: number; cin: number; cout: number; k: number; pad?: number; simd: number; pe: number };
  /** Sink ready per cycle. */
  ready: (cycle: number) => boolean;
}

async function simulate(c: WaveCase): Promise<WaveJson> {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const { height, width, cin, simd, pe } = c.shape;
  const conv = new ConvEngine(top, 'conv', { clk, ...c.shape, mode: 'timing', outputBits: 8 });
  const src = new StreamDriver(top, 'src', { clk, beats: timingStream({ h: height, w: width, c: cin }, simd, 1, true), lanes: simd, bits: 8 });
  const snk = new StreamMonitor(top, 'snk', { clk, lanes: pe, bits: 8, pReady: c.ready });
  const sIn = connect(top, 'in', src.m, conv.s, beatSignal(simd, 8));
  const sOut = connect(top, 'out', conv.m, snk.s, beatSignal(pe, 8));
  const sigs = [sIn.valid, sIn.ready, sIn.data, conv.lbFill, conv.busy, sOut.valid, sOut.ready, sOut.data];
  const sampler = new Sampler(top, clk, sigs);
  await sim.run({ cycles: c.cycles, clock: clk });
  const v = sampler.values;
  const signals: CycleSignal[] = [
    { name: 'clk', values: new Array(c.cycles).fill(0), clock: true },
    { name: 's_valid', values: v[0] as number[], width: 1 },
    { name: 's_ready', values: v[1] as number[], width: 1 },
    { name: 's_data', values: (v[2] as (Beat | null)[]).map((b, i) => ((v[0] as number[])[i] ? inLabel(b) : null)) },
    { name: 'lb_fill', values: v[3] as number[], width: 32, format: 'dec' },
    { name: 'busy', values: v[4] as number[], width: 1 },
    { name: 'm_valid', values: v[5] as number[], width: 1 },
    { name: 'm_ready', values: v[6] as number[], width: 1 },
    { name: 'm_data', values: (v[7] as (Beat | null)[]).map((b, i) => ((v[5] as number[])[i] ? outLabel(b) : null)) },
  ];
  return waveJsonFromCycles(signals, { title: c.title });
}

/** The diagrams of docs/components-conv.md by id (the `<!-- wave: id -->` before each block). */
export async function convDocWaves(): Promise<Record<string, WaveJson>> {
  return {
    // SF = 9, NF = 2; the sink drops ready in cycles 15 and 16, when the first output beat appears.
    'conv-latency': await simulate({
      title: 'ConvEngine 3x3 same, 3x3x2 -> 2 ch, SIMD 2, PE 1: latency N0 + SF = 5 + 9 = 14',
      cycles: 34,
      shape: { height: 3, width: 3, cin: 2, cout: 2, k: 3, simd: 2, pe: 1 },
      ready: (cycle) => cycle !== 15 && cycle !== 16,
    }),
    // pad 0: CAP = 2*4 + 3 + 1 = 12 pixels; releases after (0,0) free pixel 0, after (0,1) pixels 1..3.
    'conv-linebuffer': await simulate({
      title: 'ConvEngine 3x3 pad 0, 4x4x1 -> 1 ch: line buffer full (12 pixels), s_ready follows the releases',
      cycles: 36,
      shape: { height: 4, width: 4, cin: 1, cout: 1, k: 3, pad: 0, simd: 1, pe: 1 },
      ready: () => true,
    }),
  };
}
