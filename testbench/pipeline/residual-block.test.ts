/**
 * The conv composed with hw/stream's Fork, SkipFifo and Adder into a basic residual block:
 *   x -> Fork -> main: conv3x3 + requant + ReLU -> conv3x3 + requant -> Adder.a
 *             -> skip: SkipFifo -> Adder.b;     Adder (saturating, ReLU) -> sink
 * bit-exact against testbench/ref's residualBlockRef, and a deadlock when the skip FIFO is too shallow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlockError } from '../../sim/watchdog.ts';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { Watchdog } from '../../sim/watchdog.ts';
import { ConvEngine } from '../../hw/conv/conv-engine.ts';
import { Adder } from '../../hw/stream/adder.ts';
import { beatSignal } from '../../hw/stream/beat.ts';
import { Fork } from '../../hw/stream/fork.ts';
import { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import { connect } from '../../hw/stream/stream.ts';
import { Scoreboard, StreamDriver, StreamMonitor, tensorToBeats } from '../drivers/index.ts';
import { randomWeights, residualBlockRef, type QuantConv } from '../ref/conv2d.ts';
import { randomTensor } from '../ref/tensor.ts';
import { makeRng } from '../stimulus/random.ts';

interface BlockCase {
  h: number;
  w: number;
  c: number;
  cMid: number;
  lanes: number;
  midLanes: number;
  depth: number;
  pValid: number;
  pReady: number;
  seed: number;
}

async function runBlock(p: BlockCase) {
  const rng = makeRng(p.seed);
  const q = (cin: number, cout: number): QuantConv => ({
    weights: randomWeights(rng, 3, 3, cin, cout),
    bias: new Int32Array(cout).map(() => rng.int(-2000, 2000)),
    scale: rng.int(1, 30),
    shift: rng.int(9, 13),
  });
  const conv1 = q(p.c, p.cMid);
  const conv2 = q(p.cMid, p.c);
  const x = randomTensor(rng, p.h, p.w, p.c);
  const want = residualBlockRef(x, { kind: 'basic', conv1, conv2 });
  const expected = tensorToBeats(want, p.lanes);

  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const bus = beatSignal(p.lanes, 8);
  const src = new StreamDriver(top, 'src', { clk, beats: tensorToBeats(x, p.lanes), lanes: p.lanes, bits: 8, pValid: p.pValid, seed: `${p.seed}/src` });
  const fork = new Fork(top, 'fork', { clk, branches: ['main', 'skip'], lanes: p.lanes, bits: 8 });
  const c1 = new ConvEngine(top, 'conv1', {
    clk, height: p.h, width: p.w, cin: p.c, cout: p.cMid, k: 3, simd: p.lanes, pe: p.midLanes,
    weights: conv1.weights, bias: conv1.bias, quant: { scale: conv1.scale, shift: conv1.shift }, relu: true,
  });
  const c2 = new ConvEngine(top, 'conv2', {
    clk, height: p.h, width: p.w, cin: p.cMid, cout: p.c, k: 3, simd: p.midLanes, pe: p.lanes,
    weights: conv2.weights, bias: conv2.bias, quant: { scale: conv2.scale, shift: conv2.shift },
  });
  const fifo = new SkipFifo(top, 'skip_fifo', { clk, depth: p.depth, lanes: p.lanes, bits: 8 });
  const add = new Adder(top, 'add', { clk, lanes: p.lanes, relu: true });
  const sb = new Scoreboard({ expected, seed: p.seed, label: `residual seed ${p.seed}` });
  const snk = new StreamMonitor(top, 'snk', { clk, lanes: p.lanes, bits: 8, pReady: p.pReady, seed: `${p.seed}/snk`, scoreboard: sb });
  connect(top, 'x', src.m, fork.s, bus);
  connect(top, 'main_x', fork.branch('main'), c1.s, bus);
  connect(top, 'mid', c1.m, c2.s, beatSignal(p.midLanes, 8));
  connect(top, 'fx', c2.m, add.a, bus);
  connect(top, 'skip_x', fork.branch('skip'), fifo.s, bus);
  connect(top, 'skip_q', fifo.m, add.b, bus);
  connect(top, 'y', add.m, snk.s, bus);
  const dog = new Watchdog(top, 'watchdog', { clock: clk, idleCycles: 2000, workRemains: () => snk.count < expected.length });
  await sim.run({ clock: clk, cycles: 2_000_000, until: () => snk.count >= expected.length });
  return { sb, snk, fifo, dog, c1, c2, expected };
}

describe('basic residual block with ConvEngines, Fork, SkipFifo and Adder', () => {
  it('is bit-exact against residualBlockRef under random backpressure (unbounded skip FIFO)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          h: fc.integer({ min: 1, max: 8 }),
          w: fc.integer({ min: 1, max: 8 }),
          c: fc.integer({ min: 1, max: 8 }),
          cMid: fc.integer({ min: 1, max: 8 }),
          lanes: fc.integer({ min: 1, max: 8 }),
          midLanes: fc.integer({ min: 1, max: 8 }),
          depth: fc.constant(Infinity),
          pValid: fc.double({ min: 0.3, max: 1, noNaN: true }),
          pReady: fc.double({ min: 0.3, max: 1, noNaN: true }),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        async (p) => {
          const r = await runBlock(p);
          expect(r.sb.finish(), `seed ${p.seed}`).toBeNull();
          expect(r.snk.count).toBe(r.expected.length);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('deadlocks with a skip FIFO shallower than what the main path must absorb, naming the waiting conv', async () => {
    // Two 3x3 convs: the first output needs input pixels up to (2, 2) = 2W + 3 pixels, far more than 4 beats.
    const p: BlockCase = { h: 6, w: 6, c: 4, cMid: 4, lanes: 4, midLanes: 4, depth: 4, pValid: 1, pReady: 1, seed: 5 };
    const err = await runBlock(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlockError);
    const msg = (err as DeadlockError).message;
    expect(msg).toMatch(/top\.conv2: waiting for input row 1 \(pixel x 1, frame 0\) for output \(frame 0, y 0, x 0, group 0\)/);
    expect(msg).toMatch(/top\.conv1: waiting for input row/);
  });

  it('the smallest deadlock-free skip FIFO is the two convs\' lag plus one pixel: (2*(W+1) + 1) * IG beats', async () => {
    // Each same 3x3 conv must see (K-1-P)*(W+1) = W+1 input pixels beyond its output pixel (docs/components-conv.md);
    // the adder takes x(0,0) with F(x)(0,0), so the skip FIFO holds pixels 0 .. 2*(W+1) of x.
    for (const [w, lanes] of [[4, 4], [6, 2], [9, 4]] as const) {
      const ig = Math.ceil(4 / lanes);
      const depth = (2 * (w + 1) + 1) * ig;
      const p: BlockCase = { h: 5, w, c: 4, cMid: 4, lanes, midLanes: 4, depth, pValid: 1, pReady: 1, seed: 9 };
      const ok = await runBlock(p);
      expect(ok.sb.finish()).toBeNull();
      expect(ok.fifo.highWater).toBe(depth);
      await expect(runBlock({ ...p, depth: depth - 1 })).rejects.toBeInstanceOf(DeadlockError);
    }
  });
});
