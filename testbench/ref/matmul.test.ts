import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../stimulus/random.ts';
import { conv2d, makeWeights } from './conv.ts';
import { int8Matrix, matGet, matmulRef, randomMatrix } from './matmul.ts';
import { int8Tensor } from './tensor.ts';

describe('matmulRef', () => {
  it('hand case: (2x3) * (3x2)', () => {
    // A = [[1, 2, 3], [-4, 5, -6]], B = [[7, -8], [9, 10], [-11, 12]]
    // C00 = 7 + 18 - 33 = -8      C01 = -8 + 20 + 36 = 48
    // C10 = -28 + 45 + 66 = 83    C11 = 32 + 50 - 72 = 10
    const a = int8Matrix(2, 3, [1, 2, 3, -4, 5, -6]);
    const b = int8Matrix(3, 2, [7, -8, 9, 10, -11, 12]);
    const c = matmulRef(a, b);
    expect(c.rows).toBe(2);
    expect(c.cols).toBe(2);
    expect(c.data).toBeInstanceOf(Int32Array);
    expect(Array.from(c.data)).toEqual([-8, 48, 83, 10]);
  });

  it('extremes: a 1x4 row of -128 times a 4x1 column of -128 is 4 * 16384', () => {
    const c = matmulRef(int8Matrix(1, 4, [-128, -128, -128, -128]), int8Matrix(4, 1, [-128, -128, -128, -128]));
    expect(Array.from(c.data)).toEqual([65536]);
  });

  it('identity on either side returns the other operand', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (seed, m, n) => {
        const a = randomMatrix(makeRng(seed), m, n);
        const idN = int8Matrix(n, n, Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)));
        expect(Array.from(matmulRef(a, idN).data)).toEqual(Array.from(a.data));
      }),
    );
  });

  it('agrees with a 1x1 conv over a 1-row image (pixels = rows of A, weights = B)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (seed, m, k, n) => {
        const rng = makeRng(seed);
        const a = randomMatrix(rng, m, k);
        const b = randomMatrix(rng, k, n);
        // 1x1 conv weights [0][0][cin=k][cout=n] have exactly B's row-major layout.
        const conv = conv2d(int8Tensor({ h: 1, w: m, c: k }, a.data), { weights: makeWeights(1, 1, k, n, b.data) });
        expect(Array.from(matmulRef(a, b).data)).toEqual(Array.from(conv.data));
      }),
    );
  });

  it('validates shapes and dtypes', () => {
    const a = int8Matrix(2, 3);
    expect(() => matmulRef(a, int8Matrix(2, 3))).toThrow('a.cols (3) must equal b.rows (2)');
    expect(() => matmulRef(a, { rows: 3, cols: 1, data: new Int32Array(3) })).toThrow('b.data must be an Int8Array');
    expect(() => matmulRef({ rows: 2, cols: 3, data: new Int8Array(5) }, int8Matrix(3, 1))).toThrow('a.data length must be rows*cols = 6, got 5');
    expect(() => int8Matrix(0, 1)).toThrow('rows must be a positive integer, got 0');
    expect(() => int8Matrix(1, 1, [128])).toThrow('values[0] must be an int8 integer in [-128, 127], got 128');
    expect(() => matGet(a, 2, 0)).toThrow('row 2 out of range [0, 2)');
  });
});
