/**
 * NHWC tensors for the golden reference: one frame of h x w pixels with c channels, stored
 * row-major with the channel fastest: index(y, x, c) = (y * w + x) * c_count + c.
 * Batches/frames are plain arrays of tensors.
 */
import type { Rng } from '../stimulus/random.ts';

export interface Shape {
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

export type TensorData = Int8Array | Int32Array;
export type DType = 'int8' | 'int32';

export const INT8_MIN = -128;
export const INT8_MAX = 127;
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

export function dtypeRange(dtype: DType): { min: number; max: number } {
  return dtype === 'int8' ? { min: INT8_MIN, max: INT8_MAX } : { min: INT32_MIN, max: INT32_MAX };
}

/** Throws unless every field is a positive integer; `what` names the caller in the message. */
export function checkShape(shape: Shape, what = 'Tensor'): void {
  for (const field of ['h', 'w', 'c'] as const) {
    const v = shape[field];
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`${what}: shape.${field} must be a positive integer, got ${v}`);
    }
  }
}

export function shapeToString(s: Shape): string {
  return `{h: ${s.h}, w: ${s.w}, c: ${s.c}}`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.h === b.h && a.w === b.w && a.c === b.c;
}

export class Tensor<T extends TensorData = TensorData> {
  readonly shape: Shape;
  readonly data: T;

  constructor(shape: Shape, data: T) {
    checkShape(shape);
    const n = shape.h * shape.w * shape.c;
    if (data.length !== n) {
      throw new RangeError(
        `Tensor: data length must be h*w*c = ${n} for shape ${shapeToString(shape)}, got ${data.length}`,
      );
    }
    this.shape = { h: shape.h, w: shape.w, c: shape.c };
    this.data = data;
  }

  get dtype(): DType {
    return this.data instanceof Int8Array ? 'int8' : 'int32';
  }

  /** Flat NHWC offset; throws on out-of-range coordinates instead of reading garbage. */
  index(y: number, x: number, c: number): number {
    const { h, w, c: cc } = this.shape;
    checkCoord('y', y, h);
    checkCoord('x', x, w);
    checkCoord('c', c, cc);
    return (y * w + x) * cc + c;
  }

  get(y: number, x: number, c: number): number {
    return this.data[this.index(y, x, c)] as number;
  }

  /** Typed arrays wrap silently on overflow; here an out-of-range value is an error. */
  set(y: number, x: number, c: number, value: number): void {
    const { min, max } = dtypeRange(this.dtype);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`Tensor.set: value must be an ${this.dtype} integer in [${min}, ${max}], got ${value}`);
    }
    this.data[this.index(y, x, c)] = value;
  }
}

function checkCoord(name: string, v: number, size: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= size) {
    throw new RangeError(`Tensor: ${name}=${v} out of range [0, ${size})`);
  }
}

function fill<T extends TensorData>(shape: Shape, data: T, values: ArrayLike<number> | undefined, what: string): Tensor<T> {
  if (values !== undefined) {
    if (values.length !== data.length) {
      throw new RangeError(`${what}: values length must be h*w*c = ${data.length}, got ${values.length}`);
    }
    const { min, max } = dtypeRange(data instanceof Int8Array ? 'int8' : 'int32');
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isInteger(v) || v < min || v > max) {
        throw new RangeError(`${what}: values[${i}] must be an integer in [${min}, ${max}], got ${v}`);
      }
      data[i] = v;
    }
  }
  return new Tensor(shape, data);
}

/** An int8 tensor, zero-filled or from flat NHWC values (range-checked). */
export function int8Tensor(shape: Shape, values?: ArrayLike<number>): Tensor<Int8Array> {
  checkShape(shape, 'int8Tensor');
  return fill(shape, new Int8Array(shape.h * shape.w * shape.c), values, 'int8Tensor');
}

/** An int32 tensor, zero-filled or from flat NHWC values (range-checked). */
export function int32Tensor(shape: Shape, values?: ArrayLike<number>): Tensor<Int32Array> {
  checkShape(shape, 'int32Tensor');
  return fill(shape, new Int32Array(shape.h * shape.w * shape.c), values, 'int32Tensor');
}

/** Builds a tensor from nested [y][x][c] arrays, which read like the picture in a test. */
export function fromNested(rows: readonly (readonly (readonly number[])[])[], dtype: 'int8'): Tensor<Int8Array>;
export function fromNested(rows: readonly (readonly (readonly number[])[])[], dtype: 'int32'): Tensor<Int32Array>;
export function fromNested(rows: readonly (readonly (readonly number[])[])[], dtype: DType): Tensor {
  const h = rows.length;
  const w = rows[0]?.length ?? 0;
  const c = rows[0]?.[0]?.length ?? 0;
  const flat: number[] = [];
  for (let y = 0; y < h; y++) {
    const row = rows[y] as readonly (readonly number[])[];
    if (row.length !== w) throw new RangeError(`fromNested: row ${y} must have w = ${w} pixels, got ${row.length}`);
    for (let x = 0; x < w; x++) {
      const px = row[x] as readonly number[];
      if (px.length !== c) {
        throw new RangeError(`fromNested: pixel (${y}, ${x}) must have c = ${c} channels, got ${px.length}`);
      }
      flat.push(...px);
    }
  }
  const shape = { h, w, c };
  return dtype === 'int8' ? int8Tensor(shape, flat) : int32Tensor(shape, flat);
}

/** A uniformly random int8 tensor; each element drawn in NHWC order from rng. */
export function randomTensor(rng: Rng, h: number, w: number, c: number): Tensor<Int8Array> {
  const t = int8Tensor({ h, w, c });
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.int8();
  return t;
}

export interface Mismatch {
  y: number;
  x: number;
  c: number;
  expected: number;
  actual: number;
}

/**
 * The first differing element in NHWC order, or null when all values match. Values are
 * compared as numbers, so an int8 and an int32 tensor holding the same values are equal.
 * Different shapes are an error (there is no meaningful position to report).
 */
export function firstMismatch(expected: Tensor, actual: Tensor): Mismatch | null {
  if (!sameShape(expected.shape, actual.shape)) {
    throw new RangeError(
      `firstMismatch: shapes differ, expected ${shapeToString(expected.shape)}, actual ${shapeToString(actual.shape)}`,
    );
  }
  const { h, w, c } = expected.shape;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        const e = expected.get(y, x, ch);
        const a = actual.get(y, x, ch);
        if (e !== a) return { y, x, c: ch, expected: e, actual: a };
      }
    }
  }
  return null;
}

/** True when shapes and all values are equal (dtype is not compared). */
export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  return sameShape(a.shape, b.shape) && firstMismatch(a, b) === null;
}

/** Throws a message naming the first differing position; for testbench scoreboards. */
export function assertTensorEqual(expected: Tensor, actual: Tensor, label = 'tensor'): void {
  const m = firstMismatch(expected, actual);
  if (m !== null) {
    throw new Error(
      `${label}: mismatch at (y=${m.y}, x=${m.x}, c=${m.c}): expected ${m.expected}, actual ${m.actual}`,
    );
  }
}
