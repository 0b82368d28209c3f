/**
 * The conv engine's output stage in integer hardware arithmetic: int32 accumulator x int32 scale as a
 * 64-bit sign-magnitude product built from 16-bit partial products (no BigInt, no float rounding),
 * rounding right shift (round half away from zero), saturation to int8, optional ReLU.
 * It must agree bit for bit with testbench/ref's `requantize` (checked by requant.test.ts).
 */

const TWO16 = 0x10000;
const TWO32 = 0x100000000;

/**
 * clamp(round_half_away(acc * scale / 2^shift), -128, 127) for int32 acc and scale and shift in 0..63.
 * The caller guarantees the ranges (the engine validates scale and shift once, at construction).
 */
export function requantizeHw(acc: number, scale: number, shift: number): number {
  if (acc === 0 || scale === 0) return 0;
  const negative = acc < 0 !== scale < 0;
  const a = acc < 0 ? -acc : acc; // <= 2^31, exact
  const s = scale < 0 ? -scale : scale;
  // |p| = a*s < 2^62 as hi*2^32 + lo, from four 16x16 partial products (each < 2^32, sums < 2^53).
  const aH = Math.floor(a / TWO16);
  const aL = a % TWO16;
  const sH = Math.floor(s / TWO16);
  const sL = s % TWO16;
  const mid = aH * sL + aL * sH; // < 2^33
  let lo = aL * sL + (mid % TWO16) * TWO16; // < 2^33
  let hi = aH * sH + Math.floor(mid / TWO16) + Math.floor(lo / TWO32);
  lo %= TWO32;
  let q: number;
  if (shift === 0) {
    q = hi > 0 ? Infinity : lo;
  } else {
    // Add half an LSB of the result, then shift: ties go away from zero because we round the magnitude.
    if (shift <= 32) {
      lo += 2 ** (shift - 1);
      hi += Math.floor(lo / TWO32);
      lo %= TWO32;
    } else {
      hi += 2 ** (shift - 33);
    }
    if (shift >= 32) {
      q = Math.floor(hi / 2 ** (shift - 32));
    } else {
      // Only exact below 2^53; anything larger saturates anyway.
      q = hi * 2 ** (32 - shift) + Math.floor(lo / 2 ** shift);
    }
  }
  if (negative) return q >= 128 ? -128 : 0 - q; // 0 - q, not -q: no -0
  return q >= 127 ? 127 : q;
}

/** Validate requantisation parameters once (the hot path trusts them). Returns an error text or null. */
export function checkRequantParams(scale: number, shift: number): string | null {
  if (!Number.isSafeInteger(scale) || scale < -(2 ** 31) || scale > 2 ** 31 - 1) {
    return `quant.scale must be an int32 integer, got ${scale}`;
  }
  if (!Number.isSafeInteger(shift) || shift < 0 || shift > 63) return `quant.shift must be an integer in 0..63, got ${shift}`;
  return null;
}
