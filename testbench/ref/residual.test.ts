import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../stimulus/random.ts';
import { makeWeights, randomWeights, setWeight } from './conv.ts';
import { residualBlockRef, residualBlockStages, type QuantConv, type ResidualParams } from './residual.ts';
import { fromNested, randomTensor, type Tensor } from './tensor.ts';

const flat = (t: Tensor) => Array.from(t.data);

/** A 3x3 kernel whose centre tap is `centre` (cin=cout=1) and all other taps `rest`. */
function k3(centre: number, rest: number): number[] {
  return [rest, rest, rest, rest, centre, rest, rest, rest, rest];
}

describe('residualBlockRef: hand-computed', () => {
  it('basic block on a 2x2 image', () => {
    // x = [[1,2],[3,4]]. On a 2x2 image every pad-1 3x3 window covers all four pixels, so an
    // all-ones kernel gives the image sum everywhere.
    // conv1: ones, bias 0, scale 1 shift 0 -> 10 everywhere; ReLU -> 10.
    // conv2: ones -> 40, bias -5 -> 35; *3 / 4 = 26.25 -> 26.
    // + x -> [[27,28],[29,30]]; ReLU keeps it.
    const x = fromNested([[[1], [2]], [[3], [4]]], 'int8');
    const ones = makeWeights(3, 3, 1, 1, Array(9).fill(1));
    const p: ResidualParams = {
      kind: 'basic',
      conv1: { weights: ones, scale: 1, shift: 0 },
      conv2: { weights: ones, bias: Int32Array.of(-5), scale: 3, shift: 2 },
    };
    const st = residualBlockStages(x, p);
    expect(flat(st.main[0]!)).toEqual([10, 10, 10, 10]);
    expect(flat(st.main[1]!)).toEqual([26, 26, 26, 26]);
    expect(flat(residualBlockRef(x, p))).toEqual([27, 28, 29, 30]);
  });

  it('basic block: the add saturates and the final ReLU clips negatives', () => {
    // 1x1 image, x = 10: only the centre tap ever sees data.
    // conv1: centre 3 -> 30; scale 1 shift 1 -> 15; ReLU 15.
    // Case A, conv2 centre 9: 135 -> shift 0 -> 127 (requant saturates); 127 +sat 10 = 127.
    // Case B, conv2 centre -2: -30; -30 + 10 = -20; ReLU -> 0.
    const x = fromNested([[[10]]], 'int8');
    const conv1: QuantConv = { weights: makeWeights(3, 3, 1, 1, k3(3, 100)), scale: 1, shift: 1 };
    const a = residualBlockStages(x, { kind: 'basic', conv1, conv2: { weights: makeWeights(3, 3, 1, 1, k3(9, -50)), scale: 1, shift: 0 } });
    expect(flat(a.main[0]!)).toEqual([15]);
    expect(flat(a.main[1]!)).toEqual([127]);
    expect(flat(a.sum)).toEqual([127]);
    expect(flat(a.out)).toEqual([127]);
    const b = residualBlockStages(x, { kind: 'basic', conv1, conv2: { weights: makeWeights(3, 3, 1, 1, k3(-2, 7)), scale: 1, shift: 0 } });
    expect(flat(b.sum)).toEqual([-20]);
    expect(flat(b.out)).toEqual([0]);
  });

  it('bottleneck block on one 2-channel pixel', () => {
    // x = [5, -3].
    // conv1 1x1 cin2->cout1, w = [2, 1]: 2*5 + 1*(-3) = 7; ReLU 7.
    // conv2 3x3 (1x1 image: centre only) centre 4, bias 2: 30; scale 1 shift 1 -> 15; ReLU 15.
    // conv3 1x1 cin1->cout2, w = [1, -1]: [15, -15].
    // + x: [20, -18]; ReLU: [20, 0].
    const x = fromNested([[[5, -3]]], 'int8');
    const p: ResidualParams = {
      kind: 'bottleneck',
      conv1: { weights: makeWeights(1, 1, 2, 1, [2, 1]), scale: 1, shift: 0 },
      conv2: { weights: makeWeights(3, 3, 1, 1, k3(4, 9)), bias: Int32Array.of(2), scale: 1, shift: 1 },
      conv3: { weights: makeWeights(1, 1, 1, 2, [1, -1]), scale: 1, shift: 0 },
    };
    const st = residualBlockStages(x, p);
    expect(st.main.map(flat)).toEqual([[7], [15], [15, -15]]);
    expect(flat(st.sum)).toEqual([20, -18]);
    expect(flat(st.out)).toEqual([20, 0]);
  });

  it('downsample block on a 2x2 image: both paths land on output (0,0)', () => {
    // x = [[1,2],[3,4]] (1 channel). Output is floor((2-1)/2)+1 = 1 pixel.
    // conv1 3x3 s2 p1 at (0,0) covers the whole image; co0 all +1 -> 10, co1 all -1 -> -10;
    //   ReLU -> [10, 0].
    // conv2 3x3 on the 1x1 map: centre taps w[1][1][ci][co] = [[1, 5], [7, 1]]:
    //   co0 = 10*1 + 0*7 = 10, co1 = 10*5 + 0*1 = 50; scale 1 shift 1 -> [5, 25].
    // proj 1x1 s2 reads x(0,0) = 1 only; w = [3, -100] -> [3, -100].
    // add: [8, -75]; ReLU: [8, 0].
    const x = fromNested([[[1], [2]], [[3], [4]]], 'int8');
    const c1 = makeWeights(3, 3, 1, 2);
    for (let ky = 0; ky < 3; ky++)
      for (let kx = 0; kx < 3; kx++) {
        setWeight(c1, ky, kx, 0, 0, 1);
        setWeight(c1, ky, kx, 0, 1, -1);
      }
    const c2 = makeWeights(3, 3, 2, 2);
    setWeight(c2, 1, 1, 0, 0, 1);
    setWeight(c2, 1, 1, 0, 1, 5);
    setWeight(c2, 1, 1, 1, 0, 7);
    setWeight(c2, 1, 1, 1, 1, 1);
    const p: ResidualParams = {
      kind: 'downsample',
      conv1: { weights: c1, scale: 1, shift: 0 },
      conv2: { weights: c2, scale: 1, shift: 1 },
      proj: { weights: makeWeights(1, 1, 1, 2, [3, -100]), scale: 1, shift: 0 },
    };
    const st = residualBlockStages(x, p);
    expect(st.main.map(flat)).toEqual([[10, 0], [5, 25]]);
    expect(flat(st.skip)).toEqual([3, -100]);
    expect(flat(st.sum)).toEqual([8, -75]);
    expect(flat(st.out)).toEqual([8, 0]);
  });
});

describe('residualBlockRef: properties', () => {
  const dims = fc.record({
    seed: fc.integer(),
    h: fc.integer({ min: 1, max: 5 }),
    w: fc.integer({ min: 1, max: 5 }),
    c: fc.integer({ min: 1, max: 3 }),
  });
  const zero = (kh: number, cin: number, cout: number): QuantConv => ({ weights: makeWeights(kh, kh, cin, cout), scale: 1, shift: 0 });

  it('with an all-zero main path, basic and bottleneck blocks return ReLU(x)', () => {
    fc.assert(
      fc.property(dims, ({ seed, h, w, c }) => {
        const x = randomTensor(makeRng(seed), h, w, c);
        const expected = Array.from(x.data, (v) => Math.max(v, 0));
        const basic = residualBlockRef(x, { kind: 'basic', conv1: zero(3, c, c), conv2: zero(3, c, c) });
        const bottleneck = residualBlockRef(x, { kind: 'bottleneck', conv1: zero(1, c, 2), conv2: zero(3, 2, 2), conv3: zero(1, 2, c) });
        expect(flat(basic)).toEqual(expected);
        expect(flat(bottleneck)).toEqual(expected);
      }),
    );
  });

  it('downsample with a zero main path and identity projection returns ReLU(x) at even positions', () => {
    fc.assert(
      fc.property(dims, ({ seed, h, w, c }) => {
        const x = randomTensor(makeRng(seed), h, w, c);
        const id = makeWeights(1, 1, c, c);
        for (let i = 0; i < c; i++) setWeight(id, 0, 0, i, i, 1);
        const out = residualBlockRef(x, {
          kind: 'downsample',
          conv1: zero(3, c, 4),
          conv2: zero(3, 4, c),
          proj: { weights: id, scale: 1, shift: 0 },
        });
        expect(out.shape).toEqual({ h: Math.ceil(h / 2), w: Math.ceil(w / 2), c });
        for (let y = 0; y < out.shape.h; y++)
          for (let xx = 0; xx < out.shape.w; xx++)
            for (let ch = 0; ch < c; ch++) expect(out.get(y, xx, ch)).toBe(Math.max(0, x.get(2 * y, 2 * xx, ch)));
      }),
    );
  });

  it('outputs are non-negative int8 of the right shape for random parameters', () => {
    fc.assert(
      fc.property(dims, fc.constantFrom('basic', 'bottleneck', 'downsample'), ({ seed, h, w, c }, kind) => {
        const rng = makeRng(seed);
        const x = randomTensor(rng, h, w, c);
        const q = (kh: number, cin: number, cout: number): QuantConv => ({
          weights: randomWeights(rng, kh, kh, cin, cout),
          bias: Int32Array.from({ length: cout }, () => rng.int(-5000, 5000)),
          scale: rng.int(1, 255),
          shift: rng.int(8, 16),
        });
        const p: ResidualParams =
          kind === 'basic'
            ? { kind, conv1: q(3, c, c), conv2: q(3, c, c) }
            : kind === 'bottleneck'
              ? { kind, conv1: q(1, c, 2), conv2: q(3, 2, 2), conv3: q(1, 2, c) }
              : { kind, conv1: q(3, c, 3), conv2: q(3, 3, 2), proj: q(1, c, 2) };
        const out = residualBlockRef(x, p);
        expect(out.dtype).toBe('int8');
        const hOut = kind === 'downsample' ? Math.ceil(h / 2) : h;
        const wOut = kind === 'downsample' ? Math.ceil(w / 2) : w;
        expect(out.shape).toEqual({ h: hOut, w: wOut, c: kind === 'downsample' ? 2 : c });
        expect(flat(out).every((v) => v >= 0 && v <= 127)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('residualBlockRef: validation', () => {
  const x = fromNested([[[1, 2]]], 'int8');
  const q = (kh: number, cin: number, cout: number): QuantConv => ({ weights: makeWeights(kh, kh, cin, cout), scale: 1, shift: 0 });

  it('names the conv and the expected geometry', () => {
    expect(() => residualBlockRef(x, { kind: 'basic', conv1: q(1, 2, 2), conv2: q(3, 2, 2) })).toThrow(
      'residualBlockRef(basic): conv1 must be 3x3, got 1x1',
    );
    expect(() => residualBlockRef(x, { kind: 'basic', conv1: q(3, 2, 4), conv2: q(3, 4, 3) })).toThrow(
      'residualBlockRef(basic): conv2.cout (3) must equal input channels (2) for the skip add',
    );
    expect(() => residualBlockRef(x, { kind: 'bottleneck', conv1: q(1, 2, 1), conv2: q(3, 2, 1), conv3: q(1, 1, 2) })).toThrow(
      'residualBlockRef(bottleneck): conv2: weights.cin must equal its input channels 1, got 2',
    );
    expect(() => residualBlockRef(x, { kind: 'downsample', conv1: q(3, 2, 2), conv2: q(3, 2, 4), proj: q(1, 2, 3) })).toThrow(
      'residualBlockRef(downsample): conv2.cout (4) must equal proj.cout (3) for the skip add',
    );
    expect(() => residualBlockRef(x, { kind: 'downsample', conv1: q(3, 2, 2), conv2: q(3, 2, 2), proj: q(3, 2, 2) })).toThrow(
      'residualBlockRef(downsample): proj must be 1x1, got 3x3',
    );
    expect(() => residualBlockRef(fromNested([[[1]]], 'int32'), { kind: 'basic', conv1: q(3, 1, 1), conv2: q(3, 1, 1) })).toThrow(
      'input must be an int8 tensor, got int32',
    );
    expect(() => residualBlockRef(x, { kind: 'basic', conv1: { ...q(3, 2, 2), shift: 99 }, conv2: q(3, 2, 2) })).toThrow(
      'shift must be an integer in [0, 63], got 99',
    );
  });
});
