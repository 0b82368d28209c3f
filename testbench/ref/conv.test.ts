import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../stimulus/random.ts';
import { conv2d, getWeight, makeWeights, setWeight, type ConvWeights } from './conv.ts';
import { fromNested, int8Tensor, randomTensor, type Tensor } from './tensor.ts';

/** Single-channel int8 image from rows, for hand-worked cases. */
function image(rows: number[][]): Tensor<Int8Array> {
  return fromNested(rows.map((r) => r.map((v) => [v])), 'int8');
}

/** Output values of a single-channel result as rows. */
function rowsOf(t: Tensor): number[][] {
  const out: number[][] = [];
  for (let y = 0; y < t.shape.h; y++) {
    const row: number[] = [];
    for (let x = 0; x < t.shape.w; x++) row.push(t.get(y, x, 0));
    out.push(row);
  }
  return out;
}

function weightsIn(rng: Rng, kh: number, kw: number, cin: number, cout: number, lo: number, hi: number): ConvWeights {
  const w = makeWeights(kh, kw, cin, cout);
  for (let i = 0; i < w.data.length; i++) w.data[i] = rng.int(lo, hi);
  return w;
}

const IMG = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

describe('conv2d: hand-computed cases', () => {
  it('3x3 all-ones kernel, pad 1, bias 10: each output is its 3x3 neighbourhood sum + 10', () => {
    // (0,0): 1+2+4+5 = 12        (0,1): 1+2+3+4+5+6 = 21        (0,2): 2+3+5+6 = 16
    // (1,0): 1+2+4+5+7+8 = 27    (1,1): 1+...+9 = 45            (1,2): 2+3+5+6+8+9 = 33
    // (2,0): 4+5+7+8 = 24        (2,1): 4+5+6+7+8+9 = 39        (2,2): 5+6+8+9 = 28
    const w = makeWeights(3, 3, 1, 1, Array(9).fill(1));
    const out = conv2d(image(IMG), { weights: w, bias: Int32Array.of(10) });
    expect(out.dtype).toBe('int32');
    expect(rowsOf(out)).toEqual([
      [22, 31, 26],
      [37, 55, 43],
      [34, 49, 38],
    ]);
  });

  it('is a cross-correlation: the top-left tap reads the up-left neighbour', () => {
    // Only w[0][0] = 1, pad 1: out(y, x) = in(y-1, x-1), or 0 off the image.
    const w = makeWeights(3, 3, 1, 1, [1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rowsOf(conv2d(image(IMG), { weights: w }))).toEqual([
      [0, 0, 0],
      [0, 1, 2],
      [0, 4, 5],
    ]);
  });

  it('a kernel with distinct taps: w = [[1,0,-1],[2,0,-2],[1,0,-1]] (Sobel-x), pad 1', () => {
    // out(y,x) = sum_ky (k[ky]) * (in(y+ky-1, x-1) - in(y+ky-1, x+1)) with k = 1,2,1.
    // (1,1): 1*(1-3) + 2*(4-6) + 1*(7-9) = -2 - 4 - 2 = -8
    // (0,0): left column off-image; 2*(0-2) + 1*(0-5) = -9
    // (0,1): 2*(1-3) + 1*(4-6) = -6            (0,2): 2*(2-0) + 1*(5-0) = 9
    // (1,0): 1*(0-2) + 2*(0-5) + 1*(0-8) = -20 (1,2): 1*(2) + 2*(5) + 1*(8) = 20
    // (2,0): 1*(0-5) + 2*(0-8) = -21           (2,1): 1*(4-6) + 2*(7-9) = -6
    // (2,2): 1*(5) + 2*(8) = 21
    const w = makeWeights(3, 3, 1, 1, [1, 0, -1, 2, 0, -2, 1, 0, -1]);
    expect(rowsOf(conv2d(image(IMG), { weights: w }))).toEqual([
      [-9, -6, 9],
      [-20, -8, 20],
      [-21, -6, 21],
    ]);
  });

  it('weight layout is [kh][kw][cin][cout] with cout fastest', () => {
    // 1x1 kernel, cin=2, cout=2, flat data [w(ci0,co0), w(ci0,co1), w(ci1,co0), w(ci1,co1)] = [1,2,3,4].
    // Pixel (a, b) -> co0 = a*1 + b*3, co1 = a*2 + b*4. For (5, -7): co0 = -16, co1 = -18.
    const w = makeWeights(1, 1, 2, 2, [1, 2, 3, 4]);
    expect(getWeight(w, 0, 0, 1, 0)).toBe(3);
    const out = conv2d(fromNested([[[5, -7]]], 'int8'), { weights: w });
    expect(Array.from(out.data)).toEqual([-16, -18]);
    // A 3x3x2x2 kernel: (ky=2, kx=1, ci=1, co=0) is at ((2*3 + 1)*2 + 1)*2 + 0 = 30.
    const big = makeWeights(3, 3, 2, 2);
    setWeight(big, 2, 1, 1, 0, 9);
    expect(big.data[30]).toBe(9);
  });

  it('pad 0 gives the single valid window; stride 2 pad 1 picks every other output', () => {
    const ones = makeWeights(3, 3, 1, 1, Array(9).fill(1));
    const valid = conv2d(image(IMG), { weights: ones, pad: 0 });
    expect(valid.shape).toEqual({ h: 1, w: 1, c: 1 });
    expect(valid.get(0, 0, 0)).toBe(45);
    // Stride 2 on the pad-1 output grid [[12,21,16],[27,45,33],[24,39,28]] keeps rows/cols 0 and 2.
    const s2 = conv2d(image(IMG), { weights: ones, stride: 2, pad: 1 });
    expect(rowsOf(s2)).toEqual([
      [12, 16],
      [24, 28],
    ]);
  });

  it('extreme int8 values accumulate exactly: 9 taps of (-128)*(-128) + bias', () => {
    // 9 * 16384 = 147456, + 2^31 - 147457 = 2^31 - 1 exactly: the largest int32.
    const x = image([
      [-128, -128, -128],
      [-128, -128, -128],
      [-128, -128, -128],
    ]);
    const w = makeWeights(3, 3, 1, 1, Array(9).fill(-128));
    const out = conv2d(x, { weights: w, pad: 0, bias: Int32Array.of(2 ** 31 - 1 - 147456) });
    expect(out.get(0, 0, 0)).toBe(2 ** 31 - 1);
    expect(() => conv2d(x, { weights: w, pad: 0, bias: Int32Array.of(2 ** 31 - 147456) })).toThrow('overflows int32');
  });
});

describe('conv2d: shapes', () => {
  it.each([
    // H, K, S, P, expected H_out = floor((H + 2P - K)/S) + 1, worked out by hand
    [3, 3, 1, 1, 3],
    [3, 3, 1, 0, 1],
    [5, 3, 1, 0, 3],
    [7, 3, 2, 1, 4], // floor(6/2)+1
    [8, 3, 2, 1, 4], // floor(7/2)+1
    [56, 1, 2, 0, 28], // floor(55/2)+1
    [224, 7, 2, 3, 112], // floor(223/2)+1
    [1, 3, 1, 1, 1],
    [2, 3, 2, 1, 1], // floor(1/2)+1
  ])('H=%i K=%i S=%i P=%i -> %i', (h, k, s, p, hOut) => {
    const x = int8Tensor({ h, w: h, c: 1 });
    const out = conv2d(x, { weights: makeWeights(k, k, 1, 2), stride: s, pad: p });
    expect(out.shape).toEqual({ h: hOut, w: hOut, c: 2 });
  });

  it('default padding is "same" for odd kernels, also for rectangular ones', () => {
    const x = int8Tensor({ h: 5, w: 6, c: 1 });
    expect(conv2d(x, { weights: makeWeights(3, 3, 1, 1) }).shape).toEqual({ h: 5, w: 6, c: 1 });
    expect(conv2d(x, { weights: makeWeights(1, 5, 1, 1) }).shape).toEqual({ h: 5, w: 6, c: 1 });
  });

  it('output size equals the number of window positions that fit (counted one by one)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (h, k, s, p) => {
          fc.pre(h + 2 * p >= k);
          let positions = 0;
          for (let start = 0; start + k <= h + 2 * p; start += s) positions++;
          const out = conv2d(int8Tensor({ h, w: 1, c: 1 }), { weights: makeWeights(k, 1, 1, 1), stride: s, pad: p });
          expect(out.shape.h).toBe(positions);
        },
      ),
    );
  });
});

describe('conv2d: properties', () => {
  const geometry = fc.record({
    seed: fc.integer(),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    cin: fc.integer({ min: 1, max: 3 }),
    cout: fc.integer({ min: 1, max: 3 }),
    k: fc.constantFrom(1, 3, 5),
    stride: fc.integer({ min: 1, max: 2 }),
  });

  it('1x1 conv with identity weights returns the input', () => {
    fc.assert(
      fc.property(geometry, ({ seed, h, w, cin }) => {
        const x = randomTensor(makeRng(seed), h, w, cin);
        const id = makeWeights(1, 1, cin, cin);
        for (let c = 0; c < cin; c++) setWeight(id, 0, 0, c, c, 1);
        const out = conv2d(x, { weights: id });
        expect(Array.from(out.data)).toEqual(Array.from(x.data));
      }),
    );
  });

  it('is linear in the weights (before requantisation): conv(W1 + W2) = conv(W1) + conv(W2)', () => {
    fc.assert(
      fc.property(geometry, ({ seed, h, w, cin, cout, k, stride }) => {
        const rng = makeRng(seed);
        const x = randomTensor(rng, h, w, cin);
        const w1 = weightsIn(rng, k, k, cin, cout, -64, 63);
        const w2 = weightsIn(rng, k, k, cin, cout, -64, 63);
        const sum = makeWeights(k, k, cin, cout, Array.from(w1.data, (v, i) => v + (w2.data[i] as number)));
        const a = conv2d(x, { weights: w1, stride });
        const b = conv2d(x, { weights: w2, stride });
        const ab = conv2d(x, { weights: sum, stride });
        expect(Array.from(ab.data)).toEqual(Array.from(a.data, (v, i) => v + (b.data[i] as number)));
      }),
    );
  });

  it('bias adds a per-output-channel constant', () => {
    fc.assert(
      fc.property(geometry, ({ seed, h, w, cin, cout, k, stride }) => {
        const rng = makeRng(seed);
        const x = randomTensor(rng, h, w, cin);
        const wt = weightsIn(rng, k, k, cin, cout, -128, 127);
        const bias = Int32Array.from({ length: cout }, () => rng.int(-100000, 100000));
        const plain = conv2d(x, { weights: wt, stride });
        const biased = conv2d(x, { weights: wt, stride, bias });
        for (let y = 0; y < plain.shape.h; y++)
          for (let xx = 0; xx < plain.shape.w; xx++)
            for (let co = 0; co < cout; co++) {
              expect(biased.get(y, xx, co) - plain.get(y, xx, co)).toBe(bias[co]);
            }
      }),
    );
  });

  it('a one-hot 3x3 kernel (tap (a, b), identity over channels) shifts the image by (a-1, b-1)', () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), ({ seed, h, w, cin }, a, b) => {
        const x = randomTensor(makeRng(seed), h, w, cin);
        const wt = makeWeights(3, 3, cin, cin);
        for (let c = 0; c < cin; c++) setWeight(wt, a, b, c, c, 1);
        const out = conv2d(x, { weights: wt, pad: 1 });
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++)
            for (let c = 0; c < cin; c++) {
              const sy = y + a - 1;
              const sx = xx + b - 1;
              const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
              expect(out.get(y, xx, c)).toBe(inside ? x.get(sy, sx, c) : 0);
            }
      }),
    );
  });

  it('padding P equals pad 0 on an explicitly zero-bordered image', () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 0, max: 2 }), ({ seed, h, w, cin, cout, k, stride }, p) => {
        fc.pre(h + 2 * p >= k && w + 2 * p >= k);
        const rng = makeRng(seed);
        const x = randomTensor(rng, h, w, cin);
        const wt = weightsIn(rng, k, k, cin, cout, -128, 127);
        const padded = int8Tensor({ h: h + 2 * p, w: w + 2 * p, c: cin });
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++) for (let c = 0; c < cin; c++) padded.set(y + p, xx + p, c, x.get(y, xx, c));
        const viaPad = conv2d(x, { weights: wt, stride, pad: p });
        const viaBorder = conv2d(padded, { weights: wt, stride, pad: 0 });
        expect(viaPad.shape).toEqual(viaBorder.shape);
        expect(Array.from(viaPad.data)).toEqual(Array.from(viaBorder.data));
      }),
    );
  });

  it('stride S keeps every S-th output of the stride-1 result', () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 2, max: 3 }), ({ seed, h, w, cin, cout, k }, s) => {
        const rng = makeRng(seed);
        const x = randomTensor(rng, h, w, cin);
        const wt = weightsIn(rng, k, k, cin, cout, -128, 127);
        const full = conv2d(x, { weights: wt });
        const strided = conv2d(x, { weights: wt, stride: s });
        for (let y = 0; y < strided.shape.h; y++)
          for (let xx = 0; xx < strided.shape.w; xx++)
            for (let co = 0; co < cout; co++) expect(strided.get(y, xx, co)).toBe(full.get(y * s, xx * s, co));
      }),
    );
  });
});

describe('conv2d: validation', () => {
  const x = int8Tensor({ h: 4, w: 4, c: 2 });
  const w = makeWeights(3, 3, 2, 3);

  it('names the offending field and expected value', () => {
    expect(() => conv2d(x, { weights: makeWeights(3, 3, 1, 3) })).toThrow('weights.cin must equal input channels 2, got 1');
    expect(() => conv2d(x, { weights: w, bias: new Int32Array(2) })).toThrow('bias length must equal weights.cout = 3, got 2');
    expect(() => conv2d(x, { weights: w, stride: 0 })).toThrow('stride must be a positive integer, got 0');
    expect(() => conv2d(x, { weights: w, pad: -1 })).toThrow('pad must be a non-negative integer, got -1');
    expect(() => conv2d(x, { weights: makeWeights(2, 2, 2, 1) })).toThrow('needs an odd kernel, got kh=2; pass pad explicitly');
    expect(() => conv2d(x, { weights: makeWeights(5, 5, 2, 1), pad: 0 })).toThrow('kernel 5 does not fit input 4 with pad 0');
    expect(() => conv2d(fromNested([[[1, 2]]], 'int32'), { weights: w })).toThrow('input must be an int8 tensor, got int32');
    const broken = { ...w, data: new Int8Array(5) };
    expect(() => conv2d(x, { weights: broken })).toThrow('weights.data length must be kh*kw*cin*cout = 54, got 5');
    expect(() => makeWeights(0, 3, 1, 1)).toThrow('kh must be a positive integer, got 0');
    expect(() => makeWeights(1, 1, 1, 1, [200])).toThrow('values[0] must be an int8 integer in [-128, 127], got 200');
    expect(() => getWeight(w, 0, 3, 0, 0)).toThrow('kx=3 out of range [0, 3)');
  });

  it('refuses a sum that does not fit int32 rather than wrapping', () => {
    // 1x1 conv over 131073 channels of (-128)*(-128) = 131073 * 16384 = 2^31 + 16384 > 2^31 - 1.
    const cin = 131073;
    const big = int8Tensor({ h: 1, w: 1, c: cin }, new Int8Array(cin).fill(-128));
    const wt = makeWeights(1, 1, cin, 1, new Int8Array(cin).fill(-128));
    expect(() => conv2d(big, { weights: wt })).toThrow('accumulator 2147500032 at (y=0, x=0, c=0) overflows int32');
  });
});
