/**
 * Streaming pipeline testbench: conv3x3 (+requant, +ReLU inside the conv) -> conv3x3 (+requant) over an
 * H x W x C image, bit-exact against testbench/ref under random valid/ready backpressure, for a few hundred
 * random shapes, foldings and seeds; and one traced run that dumps a VCD and reads it back.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VcdWriter } from '../../waves/vcd-writer.ts';
import { findVar, historyOf, parseVcdFile } from '../../waves/vcd-reader.ts';
import { convGeometry } from '../../hw/conv/geometry.ts';
import { Scoreboard, tensorToBeats } from '../drivers/index.ts';
import { conv2d, randomWeights, relu, requantizeTensor } from '../ref/conv2d.ts';
import { randomTensor, type Tensor } from '../ref/tensor.ts';
import { makeRng, type Rng } from '../stimulus/random.ts';
import { runChain, type ChainOptions } from './conv-chain.ts';

interface PipeCase {
  h: number;
  w: number;
  c: number;
  cMid: number;
  cOut: number;
  simd1: number;
  pe1: number;
  pe2: number;
  stride1: number;
  seed: number;
}

type ConvSpec = ChainOptions['convs'][number];

/** Two convs with random weights, biases and quantisation; the golden output of the chain. */
function pipeline(p: PipeCase, rng: Rng): { convs: ConvSpec[]; x: Tensor; want: Tensor } {
  const w1 = randomWeights(rng, 3, 3, p.c, p.cMid);
  const b1 = new Int32Array(p.cMid).map(() => rng.int(-3000, 3000));
  const q1 = { scale: rng.int(1, 40), shift: rng.int(8, 13) };
  const w2 = randomWeights(rng, 3, 3, p.cMid, p.cOut);
  const b2 = new Int32Array(p.cOut).map(() => rng.int(-3000, 3000));
  const q2 = { scale: rng.int(1, 40), shift: rng.int(8, 13) };
  const x = randomTensor(rng, p.h, p.w, p.c);
  const mid = relu(requantizeTensor(conv2d(x, { weights: w1, bias: b1, stride: p.stride1 }), q1.scale, q1.shift));
  const want = requantizeTensor(conv2d(mid, { weights: w2, bias: b2 }), q2.scale, q2.shift);
  const convs: ConvSpec[] = [
    { height: p.h, width: p.w, cin: p.c, cout: p.cMid, k: 3, stride: p.stride1, simd: p.simd1, pe: p.pe1, weights: w1, bias: b1, quant: q1, relu: true },
    { height: mid.shape.h, width: mid.shape.w, cin: p.cMid, cout: p.cOut, k: 3, simd: p.pe1, pe: p.pe2, weights: w2, bias: b2, quant: q2 },
  ];
  return { convs, x, want };
}

const caseArb = fc
  .record({
    h: fc.integer({ min: 1, max: 12 }),
    w: fc.integer({ min: 1, max: 12 }),
    c: fc.integer({ min: 1, max: 16 }),
    cMid: fc.integer({ min: 1, max: 16 }),
    cOut: fc.integer({ min: 1, max: 16 }),
    simd1: fc.integer({ min: 1, max: 16 }),
    pe1: fc.integer({ min: 1, max: 16 }),
    pe2: fc.integer({ min: 1, max: 16 }),
    stride1: fc.constantFrom(1, 1, 2),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((p) => {
    // Keep each run short (the slower conv sets the pace): the suite should stay well under 30 s.
    const g1 = convGeometry({ height: p.h, width: p.w, cin: p.c, cout: p.cMid, k: 3, stride: p.stride1, simd: p.simd1, pe: p.pe1 });
    const g2 = convGeometry({ height: g1.hOut, width: g1.wOut, cin: p.cMid, cout: p.cOut, k: 3, simd: p.pe1, pe: p.pe2 });
    return Math.max(g1.cyclesPerPixel * g1.hOut * g1.wOut, g2.cyclesPerPixel * g2.hOut * g2.wOut) <= 40_000;
  });

const gapArb = fc.oneof(fc.constant(1), fc.double({ min: 0.2, max: 1, noNaN: true }));

describe('pipeline conv3x3 + ReLU -> conv3x3', () => {
  it('is bit-exact against the reference under random backpressure (random shapes, foldings, seeds)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, gapArb, gapArb, async (p, pValid, pReady) => {
        const { convs, x, want } = pipeline(p, makeRng(p.seed));
        const expected = tensorToBeats(want, p.pe2);
        const sb = new Scoreboard({ expected, seed: p.seed, label: `pipeline seed ${p.seed}` });
        const r = await runChain({ convs, input: tensorToBeats(x, p.simd1), expectedOut: expected.length, pValid, pReady, seed: p.seed, scoreboard: sb });
        expect(sb.finish(), `seed ${p.seed}`).toBeNull();
        for (const ch of r.checkers) expect(ch.violations, `seed ${p.seed}`).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('dumps a VCD of a traced run that reads back with the same transfers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-conv-'));
    try {
      const file = path.join(dir, 'pipeline.vcd');
      const p: PipeCase = { h: 6, w: 5, c: 4, cMid: 6, cOut: 4, simd1: 2, pe1: 3, pe2: 4, stride1: 1, seed: 7 };
      const { convs, x, want } = pipeline(p, makeRng(p.seed));
      const expected = tensorToBeats(want, p.pe2);
      const sb = new Scoreboard({ expected, seed: p.seed });
      const vcd = new VcdWriter({ path: file, date: 'fixed', comment: 'conv3x3+ReLU -> conv3x3' });
      const r = await runChain({ convs, input: tensorToBeats(x, p.simd1), expectedOut: expected.length, pValid: 0.7, pReady: 0.6, seed: p.seed, scoreboard: sb, trace: vcd, record: true });
      await r.sim.close();
      expect(sb.finish()).toBeNull();

      const parsed = await parseVcdFile(file);
      expect(findVar(parsed, 'top.conv0.lb_fill').type).toBe('integer');
      expect(findVar(parsed, 'top.conv1.busy').size).toBe(1);
      expect(findVar(parsed, 'top.out_data').size).toBe(4 * 8);
      // Sample valid and ready just before every rising edge (edge k at 10k - 5 ns) and count transfers.
      const at = (hist: [number, string][], t: number) => {
        let v = 'x';
        for (const [time, value] of hist) {
          if (time >= t) break;
          v = value;
        }
        return v;
      };
      for (const [i, name] of ['in', 's1', 'out'].entries()) {
        const valid = historyOf(parsed, `top.${name}_valid`);
        const ready = historyOf(parsed, `top.${name}_ready`);
        const seen: number[] = [];
        for (let k = 1; k <= r.cycles; k++) {
          const t = 10 * k - 5;
          seen.push(at(valid, t) === '1' && at(ready, t) === '1' ? 1 : 0);
        }
        const h = r.recorder!.histories[i]!;
        expect(seen, name).toEqual(h.valid.map((v, k) => v & h.ready[k]!));
      }
      const fill = historyOf(parsed, 'top.conv0.lb_fill').map(([, v]) => parseInt(v, 2));
      expect(Math.max(...fill)).toBe(r.convs[0]!.counters().lineBufferHighWater);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
