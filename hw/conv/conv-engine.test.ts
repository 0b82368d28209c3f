import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { Scoreboard, tensorToBeats } from '../../testbench/drivers/index.ts';
import { runChain, timingStream } from '../../testbench/pipeline/conv-chain.ts';
import { conv2d, randomWeights, relu, requantizeTensor, type ConvWeights } from '../../testbench/ref/conv2d.ts';
import { randomTensor, type Tensor } from '../../testbench/ref/tensor.ts';
import { makeRng, type Rng } from '../../testbench/stimulus/random.ts';
import { beatSignal, type Beat } from '../stream/beat.ts';
import type { ConvEngineOptions } from './conv-engine.ts';
import { ConvEngine } from './conv-engine.ts';
import { convGeometry, firstOutputInputBeats, firstOutputLatency, needPixel, releasePixel, type ConvGeometry, type ConvShape } from './geometry.ts';
import { idealSchedule } from './schedule.ts';

type Spec = Omit<ConvEngineOptions, 'clk'>;

interface Case {
  shape: ConvShape;
  relu: boolean;
  quant: boolean;
  seed: number;
}

/** Weights, bias, quantisation and the golden output of a random conv case. */
function build(c: Case, rng: Rng): { spec: Spec; weights: ConvWeights; bias: Int32Array } {
  const s = c.shape;
  const weights = randomWeights(rng, s.k, s.k, s.cin, s.cout);
  const bias = new Int32Array(s.cout).map(() => rng.int(-5000, 5000));
  const spec: Spec = { ...s, weights, bias, relu: c.relu };
  // scale and shift chosen so that outputs spread over the int8 range instead of all saturating
  if (c.quant) spec.quant = { scale: rng.int(-3, 40) || 1, shift: rng.int(6, 14) };
  return { spec, weights, bias };
}

function golden(x: Tensor, spec: Spec): Tensor {
  let acc: Tensor = conv2d(x, { weights: spec.weights!, bias: spec.bias, stride: spec.stride ?? 1, pad: spec.pad });
  if (spec.quant) acc = requantizeTensor(acc, spec.quant.scale, spec.quant.shift);
  return spec.relu ? relu(acc) : acc;
}

const caseArb = fc
  .record({
    height: fc.integer({ min: 1, max: 12 }),
    width: fc.integer({ min: 1, max: 12 }),
    cin: fc.integer({ min: 1, max: 16 }),
    cout: fc.integer({ min: 1, max: 16 }),
    k: fc.constantFrom(1, 3, 5),
    stride: fc.constantFrom(1, 2),
    simd: fc.integer({ min: 1, max: 16 }),
    pe: fc.integer({ min: 1, max: 16 }),
    padMode: fc.constantFrom('same', 'same', 'random'),
    padPick: fc.nat(),
    relu: fc.boolean(),
    quant: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((r): Case => {
    const pad = r.padMode === 'same' ? undefined : r.padPick % r.k;
    const shape: ConvShape = { height: r.height, width: r.width, cin: r.cin, cout: r.cout, k: r.k, stride: r.stride, simd: r.simd, pe: r.pe };
    if (pad !== undefined) shape.pad = pad;
    return { shape, relu: r.relu, quant: r.quant, seed: r.seed };
  })
  .filter((c) => {
    const p = c.shape.pad ?? (c.shape.k - 1) / 2;
    if (c.shape.height + 2 * p < c.shape.k || c.shape.width + 2 * p < c.shape.k) return false;
    const g = convGeometry(c.shape);
    return g.cyclesPerPixel * g.hOut * g.wOut <= 100_000;
  });

const gapArb = fc.oneof(fc.constant(1), fc.double({ min: 0.15, max: 1, noNaN: true }));

describe('ConvEngine data mode: bit-exact against testbench/ref', () => {
  it('random shapes, foldings (divisible or not), K 1/3/5, stride 1/2, pads, ReLU/requant, under random valid/ready gaps', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, gapArb, gapArb, async (c, pValid, pReady) => {
        const rng = makeRng(c.seed);
        const { spec } = build(c, rng);
        const x = randomTensor(rng, c.shape.height, c.shape.width, c.shape.cin);
        const want = golden(x, spec);
        const expected = tensorToBeats(want, c.shape.pe);
        const sb = new Scoreboard({ expected, seed: c.seed, label: `conv seed ${c.seed}` });
        const r = await runChain({ convs: [spec], input: tensorToBeats(x, c.shape.simd), expectedOut: expected.length, pValid, pReady, seed: c.seed, scoreboard: sb });
        expect(sb.finish(), `seed ${c.seed}`).toBeNull();
        for (const ch of r.checkers) expect(ch.violations, `seed ${c.seed}`).toEqual([]);
        // no output beat leaves before the input its window needs has arrived
        const g = r.convs[0]!.geometry;
        const inEdges = r.source.sentCycles;
        r.sink.cyclesOf.forEach((edge, j) => {
          const u = Math.floor(j / g.outGroups);
          const needBeat = (needPixel(g, Math.floor(u / g.wOut), u % g.wOut) + 1) * g.inGroups - 1;
          if (edge < inEdges[needBeat]! + g.macCyclesPerBeat + 1) expect.fail(`seed ${c.seed}: output beat ${j} left at edge ${edge}, its last input beat ${needBeat} arrived at ${inEdges[needBeat]}`);
        });
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('streams several frames back to back, each bit-exact', async () => {
    const rng = makeRng('frames');
    const c: Case = { shape: { height: 7, width: 6, cin: 5, cout: 7, k: 3, simd: 2, pe: 3 }, relu: true, quant: true, seed: 0 };
    const { spec } = build(c, rng);
    const xs = [0, 1, 2].map(() => randomTensor(rng, 7, 6, 5));
    const input = xs.flatMap((x, f) => tensorToBeats(x, 2, f));
    const expected = xs.flatMap((x, f) => tensorToBeats(golden(x, spec), 3, f));
    const sb = new Scoreboard({ expected, label: 'three frames' });
    await runChain({ convs: [spec], input, expectedOut: expected.length, pValid: 0.7, pReady: 0.6, seed: 'frames', scoreboard: sb });
    expect(sb.finish()).toBeNull();
  });

  it('outputs int32 accumulators (with optional ReLU) when no quant is given', async () => {
    const rng = makeRng('acc');
    const c: Case = { shape: { height: 5, width: 4, cin: 3, cout: 5, k: 3, stride: 2, simd: 2, pe: 2 }, relu: true, quant: false, seed: 0 };
    const { spec } = build(c, rng);
    const x = randomTensor(rng, 5, 4, 3);
    const want = golden(x, spec);
    expect(want.dtype).toBe('int32');
    const sb = new Scoreboard({ expected: tensorToBeats(want, 2), label: 'int32' });
    const r = await runChain({ convs: [spec], input: tensorToBeats(x, 2), expectedOut: sb.expected.length, pReady: 0.5, scoreboard: sb });
    expect(sb.finish()).toBeNull();
    expect(r.convs[0]!.m.width).toBe(64);
    expect(r.sink.beats[0]!.lanes).toBeInstanceOf(Int32Array);
  });
});

/** Shapes for the cycle-model grid: every K, both strides, divisible and padded foldings. */
function timingGrid(): ConvShape[] {
  const out: ConvShape[] = [];
  const folds: [number, number, number, number][] = [
    [4, 4, 4, 4],
    [8, 2, 4, 1],
    [5, 2, 3, 4],
    [3, 3, 9, 2],
    [16, 16, 1, 1],
  ];
  const sizes: [number, number][] = [
    [1, 1],
    [3, 5],
    [8, 8],
    [9, 7],
    [12, 3],
  ];
  for (const k of [1, 3, 5, 7]) {
    for (const stride of [1, 2]) {
      for (const [h, w] of sizes) {
        for (const [cin, simd, cout, pe] of folds) out.push({ height: h, width: w, cin, cout, k, stride, simd, pe });
      }
    }
  }
  return out;
}

async function runTiming(shape: ConvShape, frames = 1, extra: Partial<Spec> = {}) {
  const g = convGeometry(shape);
  const r = await runChain({
    convs: [{ ...shape, mode: 'timing', outputBits: 8, ...extra }],
    input: timingStream({ h: g.h, w: g.w, c: g.cin }, g.simd, frames, true),
    expectedOut: g.outBeatsPerFrame * frames,
  });
  return { g, r };
}

describe('ConvEngine cycle model (source always valid, sink always ready)', () => {
  it('latency = N0 + SF and every transfer edge equals the documented schedule, across K, stride and folding', async () => {
    let n = 0;
    for (const shape of timingGrid()) {
      for (const lb of ['default', 'minimum'] as const) {
        const base = convGeometry(shape);
        const lineBufferPixels = lb === 'minimum' ? base.minLineBufferPixels : base.lineBufferPixels;
        const { g, r } = await runTiming({ ...shape, lineBufferPixels }, 2);
        const label = `${JSON.stringify(shape)} line buffer ${lb}`;
        const inEdges = r.source.sentCycles;
        const outEdges = r.sink.cyclesOf;
        expect(outEdges[0]! - inEdges[0]!, label).toBe(firstOutputLatency(g));
        const sch = idealSchedule(g, 2);
        expect(outEdges, label).toEqual(Array.from(sch.outEdges));
        expect(inEdges, label).toEqual(Array.from(sch.inEdges.subarray(0, inEdges.length)));
        n++;
      }
    }
    expect(n).toBe(400);
  }, 60_000);

  it('a same conv at stride 1 is compute bound: one output beat every SF cycles, one pixel every SF*NF', async () => {
    for (const shape of timingGrid().filter((s) => s.stride === 1)) {
      const { g, r } = await runTiming(shape);
      const out = r.sink.cyclesOf;
      const label = JSON.stringify(shape);
      const t0 = r.source.sentCycles[0]!;
      const bad = out.findIndex((e, j) => e !== t0 + firstOutputLatency(g) + j * g.macCyclesPerBeat);
      expect(bad, label).toBe(-1);
      // frame span, first input edge to last output edge: N0 + SF * (beats per frame)
      expect(out[out.length - 1]! - t0, label).toBe(firstOutputInputBeats(g) + g.macCyclesPerBeat * g.outBeatsPerFrame);
      const counters = r.convs[0]!.counters();
      expect(counters.busyCycles).toBe(g.outBeatsPerFrame * g.macCyclesPerBeat);
      expect(counters.outputStallCycles).toBe(0);
      expect(counters.computeBlockedCycles).toBe(0);
    }
  }, 30_000);

  it('with the default line buffer a same conv (stride 1 or 2) sustains max(H*W*IG, Hout*Wout*NF*SF) cycles per frame', async () => {
    const shapes: ConvShape[] = [];
    for (const k of [1, 3, 5, 7]) {
      for (const stride of [1, 2]) {
        for (const w of [7, 8, 13]) {
          for (const [cin, simd, cout, pe] of [[8, 8, 8, 8], [16, 4, 8, 4], [3, 3, 16, 4], [8, 2, 2, 2]] as const) {
            if (k === 7 && w === 13) continue;
            shapes.push({ height: w, width: w, cin, cout, k, stride, simd, pe });
          }
        }
      }
    }
    for (const shape of shapes) {
      const { g, r } = await runTiming(shape, 3);
      const out = r.sink.cyclesOf;
      const J = g.outBeatsPerFrame;
      const period = out[3 * J - 1]! - out[2 * J - 1]!;
      expect(period, JSON.stringify(shape)).toBe(Math.max(g.inBeatsPerFrame, J * g.macCyclesPerBeat));
    }
  }, 60_000);

  it('accepts input while it computes: the line buffer fills ahead of the window', async () => {
    // 3x3, 9 MAC cycles per beat, 4 output groups: input (1 beat per pixel) runs ahead until the buffer is full
    const { g, r } = await runTiming({ height: 8, width: 10, cin: 4, cout: 4, k: 3, simd: 4, pe: 1 });
    const c = r.convs[0]!.counters();
    expect(c.lineBufferHighWater).toBe(g.lineBufferPixels);
    const firstStart = r.source.sentCycles[firstOutputInputBeats(g) - 1]!;
    // beats that arrived while the first output pixel was computing
    const during = r.source.sentCycles.filter((e) => e > firstStart && e <= firstStart + g.cyclesPerPixel).length;
    expect(during).toBe(g.lineBufferPixels - firstOutputInputBeats(g));
  });
});

describe('ConvEngine timing mode', () => {
  it('has the same cycles and per-cycle valid/ready histories as data mode', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, gapArb, gapArb, async (c, pValid, pReady) => {
        const rng = makeRng(c.seed);
        const { spec } = build(c, rng);
        const x = randomTensor(rng, c.shape.height, c.shape.width, c.shape.cin);
        const g = convGeometry(c.shape);
        const n = g.outBeatsPerFrame;
        const data = await runChain({ convs: [spec], input: tensorToBeats(x, c.shape.simd), expectedOut: n, pValid, pReady, seed: c.seed, record: true });
        const timingSpec: Spec = { ...c.shape, mode: 'timing', outputBits: data.convs[0]!.outputBits };
        const timing = await runChain({ convs: [timingSpec], input: tensorToBeats(x, c.shape.simd, 0, true, false), expectedOut: n, pValid, pReady, seed: c.seed, record: true });
        expect(timing.cycles, `seed ${c.seed}`).toBe(data.cycles);
        expect(timing.recorder!.histories, `seed ${c.seed}`).toEqual(data.recorder!.histories);
        expect(timing.convs[0]!.counters()).toEqual(data.convs[0]!.counters());
        expect(timing.sink.beats.every((b) => b.lanes === null)).toBe(true);
        expect(timing.sink.beats.map((b) => b.tag)).toEqual(data.sink.beats.map((b) => b.tag));
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('ConvEngine counters and blockedOn', () => {
  it('counts MACs, busy cycles, output stalls and utilisation', async () => {
    const rng = makeRng('counters');
    const c: Case = { shape: { height: 6, width: 5, cin: 5, cout: 3, k: 3, simd: 2, pe: 2 }, relu: false, quant: true, seed: 0 };
    const { spec } = build(c, rng);
    const x = randomTensor(rng, 6, 5, 5);
    const g = convGeometry(c.shape);
    const r = await runChain({ convs: [spec], input: tensorToBeats(x, 2), expectedOut: g.outBeatsPerFrame, pValid: 0.8, pReady: 0.4, seed: 3, record: true });
    const k = r.convs[0]!.counters();
    // useful MACs: every in-image tap x cin x cout
    let macs = 0;
    for (let oy = 0; oy < g.hOut; oy++) {
      for (let ox = 0; ox < g.wOut; ox++) {
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const y = oy + ky - 1;
            const xx = ox + kx - 1;
            if (y >= 0 && y < 6 && xx >= 0 && xx < 5) macs += 5 * 3;
          }
        }
      }
    }
    expect(k.macs).toBe(macs);
    expect(k.busyCycles).toBe(g.outBeatsPerFrame * g.macCyclesPerBeat);
    expect(k.macSlots).toBe(k.busyCycles * 2 * 2);
    expect(k.macEfficiency).toBeCloseTo(macs / k.macSlots, 12);
    expect(k.cycles).toBe(r.cycles);
    expect(k.utilisation).toBeCloseTo(k.busyCycles / r.cycles, 12);
    const [inH, outH] = [r.recorder!.histories[0]!, r.recorder!.histories[1]!];
    const count = (h: typeof inH, v: number, rd: number) => h.valid.filter((x, i) => x === v && h.ready[i] === rd).length;
    expect(k.inBeats).toBe(count(inH, 1, 1));
    expect(k.outBeats).toBe(count(outH, 1, 1));
    expect(k.outputStallCycles).toBe(count(outH, 1, 0));
    expect(k.outputStallCycles).toBeGreaterThan(0);
    expect(k.inputStallCycles).toBeGreaterThan(0);
  });

  it('names the input row it waits for', async () => {
    const sim = new Simulator({ timescale: '1ns' });
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 10 });
    const conv = new ConvEngine(top, 'conv', { clk, height: 6, width: 5, cin: 4, cout: 4, k: 3, simd: 4, pe: 4, mode: 'timing', outputBits: 8 });
    // a source that offers the first row and one pixel of the second: (0,0) needs pixel (1,1)
    const { StreamDriver, StreamMonitor } = await import('../../testbench/drivers/index.ts');
    const src = new StreamDriver(top, 'src', { clk, beats: timingStream({ h: 6, w: 5, c: 4 }, 4, 1, true).slice(0, 6), lanes: 4, bits: 8 });
    const snk = new StreamMonitor(top, 'snk', { clk, lanes: 4, bits: 8 });
    const { connect } = await import('../stream/stream.ts');
    connect(top, 'in', src.m, conv.s, beatSignal(4, 8));
    connect(top, 'out', conv.m, snk.s, beatSignal(4, 8));
    expect(conv.blockedOn()).toMatch(/^waiting for input row 1 \(pixel x 1, frame 0\) for output \(frame 0, y 0, x 0, group 0\); no input of this frame yet/);
    await sim.run({ cycles: 20, clock: clk });
    expect(conv.blockedOn()).toBe('waiting for input row 1 (pixel x 1, frame 0) for output (frame 0, y 0, x 0, group 0); have rows 0..0 and 1 pixel of row 1; input ready');
    expect(conv.counters().inputStallCycles).toBe(20);
  });

  it('a sink that never takes a beat: the conv fills its line buffer, blocks, and the watchdog names it', async () => {
    for (const shape of [
      { height: 8, width: 9, cin: 6, cout: 2, k: 3, simd: 3, pe: 2 }, // NF = 1
      { height: 8, width: 9, cin: 6, cout: 4, k: 3, simd: 3, pe: 2 }, // NF = 2
      { height: 8, width: 9, cin: 6, cout: 8, k: 3, simd: 3, pe: 2 }, // NF = 4
      { height: 9, width: 9, cin: 2, cout: 1, k: 5, stride: 2, simd: 1, pe: 1 },
      { height: 6, width: 6, cin: 4, cout: 1, k: 1, stride: 2, simd: 4, pe: 1 },
    ] as ConvShape[]) {
      const g = convGeometry(shape);
      const err = await runChain({
        convs: [{ ...shape, mode: 'timing', outputBits: 8 }],
        input: timingStream({ h: g.h, w: g.w, c: g.cin }, g.simd),
        expectedOut: g.outBeatsPerFrame,
        pReady: () => false,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SimError);
      expect((err as SimError).code).toBe(ErrorCodes.DEADLOCK);
      expect((err as SimError).message).toMatch(/top\.conv0: output not ready: output \(frame 0, y \d+, x \d+, group \d+\) is finished and waits for the output register/);
    }
  });

  it('with the output blocked it accepts exactly min(frame, (oldest live pixel + CAP) * IG) input beats', async () => {
    for (const shape of timingGrid().filter((s) => s.height * s.width > 1)) {
      const g = convGeometry(shape);
      const sim = new Simulator({ timescale: '1ns' });
      const top = new Module(sim, 'top');
      const clk = sim.clock(top, 'clk', { period: 10 });
      const conv = new ConvEngine(top, 'conv', { ...shape, clk, mode: 'timing', outputBits: 8 });
      const { StreamDriver, StreamMonitor } = await import('../../testbench/drivers/index.ts');
      const src = new StreamDriver(top, 'src', { clk, beats: timingStream({ h: g.h, w: g.w, c: g.cin }, g.simd), lanes: g.simd, bits: 8 });
      const snk = new StreamMonitor(top, 'snk', { clk, lanes: g.pe, bits: 8, pReady: () => false });
      const { connect } = await import('../stream/stream.ts');
      connect(top, 'in', src.m, conv.s, beatSignal(g.simd, 8));
      connect(top, 'out', conv.m, snk.s, beatSignal(g.pe, 8));
      await sim.run({ cycles: 4 * g.inBeatsPerFrame + 4 * g.cyclesPerPixel + 100, clock: clk });
      // two beats finished (one in the output register, one held): the pointer is at output beat 2
      const finishedPixels = Math.min(Math.floor(2 / g.outGroups), g.hOut * g.wOut);
      const oldest = finishedPixels === 0 ? 0 : releasePixel(g, Math.floor((finishedPixels - 1) / g.wOut), (finishedPixels - 1) % g.wOut);
      const expected = Math.min(g.inBeatsPerFrame, (oldest + g.lineBufferPixels) * g.inGroups);
      expect(src.sent, JSON.stringify(shape)).toBe(expected);
      expect(conv.counters().outBeats).toBe(0);
      expect(conv.blockedOn()).toMatch(/^output not ready/);
    }
  }, 30_000);
});

describe('ConvEngine parameters and input checks', () => {
  function make(opts: Partial<Spec>) {
    const sim = new Simulator({ timescale: '1ns' });
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 10 });
    const w = randomWeights(makeRng(1), 3, 3, 4, 2);
    return () => new ConvEngine(top, 'conv', { clk, height: 4, width: 4, cin: 4, cout: 2, k: 3, simd: 2, pe: 2, weights: w, ...opts });
  }

  it('rejects inconsistent options with the parameter name', () => {
    const w = randomWeights(makeRng(1), 3, 3, 4, 2);
    const cases: [Partial<Spec>, RegExp][] = [
      [{ weights: undefined, mode: 'data' }, /top\.conv: data mode needs weights/],
      [{ weights: randomWeights(makeRng(1), 1, 1, 4, 2) }, /weights must be 3x3 \(k\), got 1x1/],
      [{ weights: randomWeights(makeRng(1), 3, 3, 3, 2) }, /weights\.cin must equal cin = 4, got 3/],
      [{ weights: randomWeights(makeRng(1), 3, 3, 4, 3) }, /weights\.cout must equal cout = 2, got 3/],
      [{ weights: w, bias: new Int32Array(3) }, /bias must be an Int32Array of cout = 2 values/],
      [{ quant: { scale: 1, shift: 64 } }, /quant\.shift must be an integer in 0\.\.63, got 64/],
      [{ quant: { scale: 1, shift: 3 }, outputBits: 32 }, /outputBits must be 8 when quant is given/],
      [{ outputBits: 8 }, /outputBits 8 needs quant/],
      [{ k: 4 }, /pad must be given for an even kernel/],
      [{ mode: 'fast' as 'data' }, /mode must be 'data' or 'timing', got fast/],
    ];
    for (const [opts, re] of cases) {
      let err: unknown;
      try {
        make(opts)();
      } catch (e) {
        err = e;
      }
      expect(err, re.source).toBeInstanceOf(SimError);
      expect((err as SimError).code).toBe(ErrorCodes.BAD_PARAMETER);
      expect((err as SimError).message).toMatch(re);
    }
  });

  it('fails with both tags when an input beat arrives out of order', async () => {
    const x = randomTensor(makeRng(2), 4, 4, 4);
    const beats = tensorToBeats(x, 2);
    [beats[3], beats[4]] = [beats[4]!, beats[3]!];
    const err = await runChain({
      convs: [{ height: 4, width: 4, cin: 4, cout: 2, k: 3, simd: 2, pe: 2, weights: randomWeights(makeRng(1), 3, 3, 4, 2) }],
      input: beats,
      expectedOut: 32,
    }).catch((e: unknown) => e);
    expect((err as SimError).code).toBe(ErrorCodes.CHECK_FAILED);
    expect((err as SimError).message).toMatch(/top\.conv0: input beat out of order: expected frame 0 y 0 x 1 group 1, got frame 0 y 0 x 2 group 0/);
  });

  it('a lane-less beat in data mode is an error', async () => {
    const beats: Beat[] = timingStream({ h: 4, w: 4, c: 4 }, 2);
    const err = await runChain({
      convs: [{ height: 4, width: 4, cin: 4, cout: 2, k: 3, simd: 2, pe: 2, weights: randomWeights(makeRng(1), 3, 3, 4, 2) }],
      input: beats,
      expectedOut: 32,
    }).catch((e: unknown) => e);
    expect((err as SimError).code).toBe(ErrorCodes.CHECK_FAILED);
    expect((err as SimError).message).toMatch(/a timing-mode beat \(lanes null\) reached a data-mode conv|lanes null/);
  });
});

describe('ConvEngine speed (timing mode)', () => {
  it('simulates a 56x56x64 -> 64 3x3 conv at well over 100k cycles/s', async () => {
    const shape: ConvShape = { height: 56, width: 56, cin: 64, cout: 64, k: 3, simd: 16, pe: 16 };
    const g: ConvGeometry = convGeometry(shape);
    const t0 = performance.now();
    const r = await runChain({
      convs: [{ ...shape, mode: 'timing', outputBits: 8, tags: false }],
      input: timingStream({ h: 56, w: 56, c: 64 }, 16),
      expectedOut: g.outBeatsPerFrame,
      check: false,
    });
    const s = (performance.now() - t0) / 1000;
    const rate = r.cycles / s;
    console.log(`timing-mode conv 56x56x64->64 3x3 SIMD 16 PE 16: ${r.cycles} cycles in ${s.toFixed(2)} s = ${(rate / 1e6).toFixed(2)} M cycles/s`);
    expect(r.cycles).toBe(1 + firstOutputInputBeats(g) + g.macCyclesPerBeat * g.outBeatsPerFrame);
    // The bound is loose: CI machines are shared. Typical is 1-3 M cycles/s.
    expect(rate).toBeGreaterThan(100_000);
  }, 60_000);
});
