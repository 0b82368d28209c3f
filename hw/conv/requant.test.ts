import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requantize } from '../../testbench/ref/quant.ts';
import { checkRequantParams, requantizeHw } from './requant.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

describe('requantizeHw (16-bit limb product, round half away from zero, saturate)', () => {
  it('matches the reference on ties, saturation and the int32 extremes', () => {
    const cases: [number, number, number][] = [
      [3, 1, 1], [-3, 1, 1], [1, 1, 1], [-1, 1, 1], [6, 1, 2], [-6, 1, 2], [5, -3, 1], [-5, -3, 1],
      [255, 1, 1], [-255, 1, 1], [-257, 1, 1], [253, 1, 1], [1000, 1, 0], [-1000, 1, 0], [0, 7, 3], [7, 0, 3],
      [INT32_MIN, INT32_MIN, 63], [INT32_MIN, INT32_MIN, 62], [INT32_MIN, INT32_MIN, 55], [INT32_MIN, INT32_MAX, 56],
      [INT32_MAX, INT32_MAX, 62], [INT32_MAX, INT32_MAX, 54], [INT32_MIN, 1, 24], [INT32_MIN, 1, 31], [INT32_MIN, 1, 32],
      [INT32_MAX, 1, 31], [INT32_MAX, 1, 32], [INT32_MAX, 1, 33], [-(2 ** 30), 3, 33], [2 ** 16, 2 ** 16, 33], [2 ** 16, 2 ** 16, 32],
    ];
    for (const [acc, scale, shift] of cases) {
      expect(requantizeHw(acc, scale, shift), `acc ${acc} scale ${scale} shift ${shift}`).toBe(requantize(acc, scale, shift));
    }
  });

  it('never returns -0', () => {
    expect(Object.is(requantizeHw(-1, 1, 2), 0)).toBe(true);
    expect(Object.is(requantizeHw(1, -1, 2), 0)).toBe(true);
  });

  it('equals testbench/ref requantize for random int32 acc, scale and every shift', () => {
    const int32 = fc.oneof(
      fc.integer({ min: INT32_MIN, max: INT32_MAX }),
      fc.integer({ min: -70000, max: 70000 }),
      fc.constantFrom(INT32_MIN, INT32_MAX, 0, 1, -1, 65535, 65536, -65536),
    );
    fc.assert(
      fc.property(int32, int32, fc.integer({ min: 0, max: 63 }), (acc, scale, shift) => {
        expect(requantizeHw(acc, scale, shift)).toBe(requantize(acc, scale, shift));
      }),
      { numRuns: 20000 },
    );
  });

  it('hits exact ties around every shift (p = (2k+1) * 2^(shift-1))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: -300, max: 300 }), (shift, k) => {
        const acc = (2 * k + 1) * 2 ** (shift - 1);
        fc.pre(acc >= INT32_MIN && acc <= INT32_MAX);
        expect(requantizeHw(acc, 1, shift)).toBe(requantize(acc, 1, shift));
        expect(requantizeHw(-acc, 1, shift)).toBe(requantize(-acc, 1, shift));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects out-of-range parameters by name', () => {
    expect(checkRequantParams(2 ** 31, 0)).toMatch(/quant\.scale must be an int32/);
    expect(checkRequantParams(1, 64)).toMatch(/quant\.shift must be an integer in 0\.\.63/);
    expect(checkRequantParams(1, 1.5)).toMatch(/quant\.shift/);
    expect(checkRequantParams(-5, 0)).toBeNull();
  });
});
