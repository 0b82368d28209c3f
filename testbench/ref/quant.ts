/**
 * Integer-only activation arithmetic: requantisation, saturation, saturating add and ReLU.
 * Everything is exact: requantize uses BigInt so no float rounding can creep in.
 */
import { INT32_MAX, INT32_MIN, Tensor, int32Tensor, int8Tensor, sameShape, shapeToString } from './tensor.ts';

/** [min, max] of a signed two's-complement integer of `bits` bits (2..32). */
export function signedRange(bits: number): { min: number; max: number } {
  if (!Number.isInteger(bits) || bits < 2 || bits > 32) {
    throw new RangeError(`signedRange: bits must be an integer in [2, 32], got ${bits}`);
  }
  return { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 };
}

/** Clamps an integer into the signed `bits`-bit range. */
export function saturate(v: number, bits = 8): number {
  const { min, max } = signedRange(bits);
  if (!Number.isSafeInteger(v)) throw new RangeError(`saturate: value must be a safe integer, got ${v}`);
  return v < min ? min : v > max ? max : v;
}

function checkInt32(name: string, v: number, fn: string): void {
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new RangeError(`${fn}: ${name} must be an int32 integer in [${INT32_MIN}, ${INT32_MAX}], got ${v}`);
  }
}

/** Largest shift accepted; acc*scale < 2^62, so beyond this every result is 0 anyway. */
export const MAX_SHIFT = 63;

/**
 * int32 accumulator -> int8 activation. The exact rule, with p = acc * scale computed exactly:
 *   shift == 0: r = p
 *   shift  > 0: r = sign(p) * floor((|p| + 2^(shift-1)) / 2^shift)
 *               i.e. p / 2^shift rounded to nearest, ties (x.5) away from zero
 *   result = clamp(r, -128, 127)
 * acc and scale are int32 integers (scale may be any sign), shift is an integer in [0, 63].
 */
export function requantize(acc: number, scale: number, shift: number): number {
  checkInt32('acc', acc, 'requantize');
  checkInt32('scale', scale, 'requantize');
  if (!Number.isInteger(shift) || shift < 0 || shift > MAX_SHIFT) {
    throw new RangeError(`requantize: shift must be an integer in [0, ${MAX_SHIFT}], got ${shift}`);
  }
  const p = BigInt(acc) * BigInt(scale);
  let r: bigint;
  if (shift === 0) {
    r = p;
  } else {
    const mag = p < 0n ? -p : p;
    const q = (mag + (1n << BigInt(shift - 1))) >> BigInt(shift);
    r = p < 0n ? -q : q;
  }
  if (r < -128n) return -128;
  if (r > 127n) return 127;
  return Number(r);
}

/** Applies requantize element-wise to an int32 tensor, giving an int8 tensor. */
export function requantizeTensor(acc: Tensor, scale: number, shift: number): Tensor<Int8Array> {
  const out = int8Tensor(acc.shape);
  for (let i = 0; i < acc.data.length; i++) out.data[i] = requantize(acc.data[i] as number, scale, shift);
  return out;
}

/** max(v, 0) element-wise; keeps the dtype. */
export function relu<T extends Int8Array | Int32Array>(t: Tensor<T>): Tensor<T> {
  const data = t.data.slice() as T;
  for (let i = 0; i < data.length; i++) if ((data[i] as number) < 0) data[i] = 0;
  return new Tensor(t.shape, data);
}

/**
 * Saturating add of two signed `bits`-bit values (default 8 = the int8 activation range):
 * the exact sum clamped to [-2^(bits-1), 2^(bits-1)-1]. Inputs must already be in that range.
 */
export function addSat(a: number, b: number, bits = 8): number {
  const { min, max } = signedRange(bits);
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`addSat: ${name} must be a ${bits}-bit integer in [${min}, ${max}], got ${v}`);
    }
  }
  const s = a + b;
  return s < min ? min : s > max ? max : s;
}

/**
 * Lane-wise addSat over two same-shaped tensors. The result is int8 for bits <= 8,
 * otherwise int32.
 */
export function addSatTensor(a: Tensor, b: Tensor): Tensor<Int8Array>;
export function addSatTensor(a: Tensor, b: Tensor, bits: number): Tensor;
export function addSatTensor(a: Tensor, b: Tensor, bits = 8): Tensor {
  if (!sameShape(a.shape, b.shape)) {
    throw new RangeError(`addSatTensor: shapes must match, got a ${shapeToString(a.shape)} and b ${shapeToString(b.shape)}`);
  }
  signedRange(bits);
  const out = bits <= 8 ? int8Tensor(a.shape) : int32Tensor(a.shape);
  for (let i = 0; i < a.data.length; i++) out.data[i] = addSat(a.data[i] as number, b.data[i] as number, bits);
  return out;
}
