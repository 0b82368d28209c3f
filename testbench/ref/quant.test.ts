import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSat, addSatTensor, relu, requantize, requantizeTensor, saturate, signedRange } from './quant.ts';
import { fromNested } from './tensor.ts';

describe('requantize', () => {
  it('rounds exact halves away from zero', () => {
    // acc*scale / 2^shift worked out by hand:
    expect(requantize(3, 1, 1)).toBe(2); //  3/2 =  1.5  ->  2
    expect(requantize(-3, 1, 1)).toBe(-2); // -3/2 = -1.5  -> -2
    expect(requantize(1, 1, 1)).toBe(1); //  1/2 =  0.5  ->  1
    expect(requantize(-1, 1, 1)).toBe(-1); // -1/2 = -0.5  -> -1
    expect(requantize(6, 1, 2)).toBe(2); //  6/4 =  1.5  ->  2
    expect(requantize(-6, 1, 2)).toBe(-2); // -6/4 = -1.5  -> -2
    expect(requantize(5, 3, 1)).toBe(8); // 15/2 =  7.5  ->  8
    expect(requantize(5, -3, 1)).toBe(-8); // -15/2 = -7.5 -> -8 (negative scale)
  });

  it('rounds non-ties to nearest', () => {
    expect(requantize(5, 1, 2)).toBe(1); //  5/4 =  1.25 ->  1
    expect(requantize(-5, 1, 2)).toBe(-1); // -5/4 = -1.25 -> -1
    expect(requantize(7, 1, 2)).toBe(2); //  7/4 =  1.75 ->  2
    expect(requantize(-7, 1, 2)).toBe(-2); // -7/4 = -1.75 -> -2
    expect(requantize(1, 1, 2)).toBe(0); //  1/4 =  0.25 ->  0
    expect(requantize(-1, 1, 2)).toBe(0); // -1/4 = -0.25 -> 0
    expect(requantize(0, 12345, 7)).toBe(0);
    expect(requantize(100, 1, 0)).toBe(100); // shift 0: no rounding at all
  });

  it('saturates at both ends, after rounding', () => {
    expect(requantize(1000, 1, 0)).toBe(127);
    expect(requantize(-1000, 1, 0)).toBe(-128);
    expect(requantize(253, 1, 1)).toBe(127); //  126.5 ->  127 (fits)
    expect(requantize(255, 1, 1)).toBe(127); //  127.5 ->  128 -> 127
    expect(requantize(-255, 1, 1)).toBe(-128); // -127.5 -> -128 (fits)
    expect(requantize(-257, 1, 1)).toBe(-128); // -128.5 -> -129 -> -128
    expect(requantize(2 ** 31 - 1, 2 ** 31 - 1, 0)).toBe(127);
    expect(requantize(-(2 ** 31), 2 ** 31 - 1, 0)).toBe(-128);
  });

  it('is exact where float arithmetic would round wrongly', () => {
    // (2^27 - 1) * (2^27 + 1) = 2^54 - 1, and (2^54 - 1) / 2^55 = 0.5 - 2^-55, just below the tie,
    // so the exact answer is 0. A float product rounds 2^54 - 1 up to 2^54, hits the tie, gives 1.
    expect(requantize(2 ** 27 - 1, 2 ** 27 + 1, 55)).toBe(0);
    expect(requantize(-(2 ** 27 - 1), 2 ** 27 + 1, 55)).toBe(0);
    // Just above the tie: (2^27+1)^2 = 2^54 + 2^28 + 1, and / 2^55 that is above 0.5 -> 1.
    expect(requantize(2 ** 27 + 1, 2 ** 27 + 1, 55)).toBe(1);
  });

  it('agrees with a float oracle wherever the float oracle is exact', () => {
    // |acc*scale| <= 2^36 and shift <= 30 keep the product, the division by 2^shift and the
    // +0.5 exact in doubles (under 40 significant bits), so Math.floor(|v| + 0.5) is an independent statement of the rule.
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
        fc.integer({ min: -(2 ** 16), max: 2 ** 16 }),
        fc.integer({ min: 0, max: 30 }),
        (acc, scale, shift) => {
          const v = (acc * scale) / 2 ** shift;
          const rounded = Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
          const expected = Math.min(127, Math.max(-128, rounded));
          expect(requantize(acc, scale, shift)).toBe(expected === 0 ? 0 : expected);
        },
      ),
    );
  });

  it('is odd-symmetric (up to saturation) and monotone in acc for a positive scale', () => {
    const acc32 = fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 2 });
    fc.assert(
      fc.property(acc32, fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: 0, max: 40 }), (acc, scale, shift) => {
        const a = requantize(acc, scale, shift);
        const b = requantize(-acc, scale, shift);
        // ties round away from zero, so +v and -v round to opposite values; only the
        // asymmetric int8 range (-128 fits, +128 does not) breaks the mirror.
        if (a === 127) expect(b).toBeLessThanOrEqual(-127);
        else if (a === -128) expect(b).toBe(127);
        else expect(b).toBe(0 - a);
        expect(requantize(acc + 1, scale, shift)).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('rejects non-int32 acc/scale and bad shifts', () => {
    expect(() => requantize(2 ** 31, 1, 0)).toThrow('acc must be an int32 integer');
    expect(() => requantize(1.5, 1, 0)).toThrow('acc must be an int32 integer in [-2147483648, 2147483647], got 1.5');
    expect(() => requantize(1, 0.5, 0)).toThrow('scale must be an int32 integer');
    expect(() => requantize(1, 1, -1)).toThrow('shift must be an integer in [0, 63], got -1');
    expect(() => requantize(1, 1, 64)).toThrow('shift must be an integer in [0, 63], got 64');
  });

  it('requantizeTensor applies the rule per element and returns int8', () => {
    const acc = fromNested([[[3, -3, 1000]], [[-1000, 5, 0]]], 'int32');
    const q = requantizeTensor(acc, 1, 1); // 1.5, -1.5, 500, -500, 2.5, 0
    expect(q.dtype).toBe('int8');
    expect(Array.from(q.data)).toEqual([2, -2, 127, -128, 3, 0]);
  });
});

describe('saturate and signedRange', () => {
  it('gives [-2^(B-1), 2^(B-1)-1]', () => {
    expect(signedRange(8)).toEqual({ min: -128, max: 127 });
    expect(signedRange(4)).toEqual({ min: -8, max: 7 });
    expect(signedRange(16)).toEqual({ min: -32768, max: 32767 });
    expect(signedRange(32)).toEqual({ min: -2147483648, max: 2147483647 });
    expect(saturate(300)).toBe(127);
    expect(saturate(-300)).toBe(-128);
    expect(saturate(-9, 4)).toBe(-8);
    expect(() => signedRange(1)).toThrow('bits must be an integer in [2, 32], got 1');
    expect(() => signedRange(33)).toThrow('got 33');
  });
});

describe('addSat', () => {
  it('hand cases for int8', () => {
    expect(addSat(100, 27)).toBe(127);
    expect(addSat(100, 28)).toBe(127); // 128 saturates
    expect(addSat(100, 100)).toBe(127);
    expect(addSat(-100, -28)).toBe(-128);
    expect(addSat(-100, -29)).toBe(-128); // -129 saturates
    expect(addSat(127, -128)).toBe(-1);
    expect(addSat(-5, 3)).toBe(-2);
  });

  it('hand cases for other widths', () => {
    expect(addSat(7, 1, 4)).toBe(7); // 4-bit range [-8, 7]
    expect(addSat(-8, -1, 4)).toBe(-8);
    expect(addSat(3, 2, 4)).toBe(5);
    expect(addSat(32767, 1, 16)).toBe(32767);
    expect(addSat(2 ** 31 - 1, 2 ** 31 - 1, 32)).toBe(2 ** 31 - 1);
  });

  it('properties: commutative, exact when in range, else pinned to the nearer end', () => {
    const arb = fc.integer({ min: 2, max: 32 }).chain((bits) => {
      const lo = -(2 ** (bits - 1));
      const hi = 2 ** (bits - 1) - 1;
      return fc.tuple(fc.constant(bits), fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }));
    });
    fc.assert(
      fc.property(arb, ([bits, a, b]) => {
        const r = addSat(a, b, bits);
        expect(addSat(b, a, bits)).toBe(r);
        const lo = -(2 ** (bits - 1));
        const hi = 2 ** (bits - 1) - 1;
        if (a + b > hi) expect(r).toBe(hi);
        else if (a + b < lo) expect(r).toBe(lo);
        else expect(r).toBe(a + b);
      }),
    );
  });

  it('rejects operands outside the B-bit range', () => {
    expect(() => addSat(128, 0)).toThrow('a must be a 8-bit integer in [-128, 127], got 128');
    expect(() => addSat(0, -9, 4)).toThrow('b must be a 4-bit integer in [-8, 7], got -9');
  });

  it('addSatTensor is lane-wise and checks shapes', () => {
    const a = fromNested([[[100, -100, 5]]], 'int8');
    const b = fromNested([[[100, -100, -7]]], 'int8');
    const s = addSatTensor(a, b);
    expect(s.dtype).toBe('int8');
    expect(Array.from(s.data)).toEqual([127, -128, -2]);
    expect(Array.from(addSatTensor(a, b, 16).data)).toEqual([200, -200, -2]);
    expect(addSatTensor(a, b, 16).dtype).toBe('int32');
    expect(() => addSatTensor(a, fromNested([[[1, 2]]], 'int8'))).toThrow('shapes must match');
  });
});

describe('relu', () => {
  it('zeroes negatives and keeps dtype, without touching the input', () => {
    const t = fromNested([[[-3, 0, 4]], [[-128, 127, -1]]], 'int8');
    const r = relu(t);
    expect(Array.from(r.data)).toEqual([0, 0, 4, 0, 127, 0]);
    expect(r.dtype).toBe('int8');
    expect(t.get(0, 0, 0)).toBe(-3);
    expect(relu(fromNested([[[-70000, 70000]]], 'int32')).dtype).toBe('int32');
  });
});
