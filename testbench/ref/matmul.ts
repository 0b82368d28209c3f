/**
 * Reference matrix multiply for a MAC array: int8 x int8 -> int32, row-major matrices.
 * C[i][j] = sum over k of A[i][k] * B[k][j].
 */
import type { Rng } from '../stimulus/random.ts';
import { INT32_MAX, INT32_MIN } from './tensor.ts';

export interface Matrix<T extends Int8Array | Int32Array = Int8Array | Int32Array> {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  readonly data: T;
}

function checkDims(what: string, rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`${what}: rows must be a positive integer, got ${rows}`);
  if (!Number.isSafeInteger(cols) || cols < 1) throw new RangeError(`${what}: cols must be a positive integer, got ${cols}`);
}

/** An int8 matrix, zero-filled or from row-major values (range-checked). */
export function int8Matrix(rows: number, cols: number, values?: ArrayLike<number>): Matrix<Int8Array> {
  checkDims('int8Matrix', rows, cols);
  const data = new Int8Array(rows * cols);
  if (values !== undefined) {
    if (values.length !== data.length) {
      throw new RangeError(`int8Matrix: values length must be rows*cols = ${data.length}, got ${values.length}`);
    }
    for (let i = 0; i < data.length; i++) {
      const v = values[i] as number;
      if (!Number.isInteger(v) || v < -128 || v > 127) {
        throw new RangeError(`int8Matrix: values[${i}] must be an int8 integer in [-128, 127], got ${v}`);
      }
      data[i] = v;
    }
  }
  return { rows, cols, data };
}

export function randomMatrix(rng: Rng, rows: number, cols: number): Matrix<Int8Array> {
  const m = int8Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.int8();
  return m;
}

export function matGet(m: Matrix, i: number, j: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= m.rows) throw new RangeError(`matrix: row ${i} out of range [0, ${m.rows})`);
  if (!Number.isInteger(j) || j < 0 || j >= m.cols) throw new RangeError(`matrix: col ${j} out of range [0, ${m.cols})`);
  return m.data[i * m.cols + j] as number;
}

function checkInt8Matrix(name: string, m: Matrix): void {
  checkDims(`matmulRef: ${name}`, m.rows, m.cols);
  if (!(m.data instanceof Int8Array)) throw new TypeError(`matmulRef: ${name}.data must be an Int8Array`);
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`matmulRef: ${name}.data length must be rows*cols = ${m.rows * m.cols}, got ${m.data.length}`);
  }
}

/** (M x K int8) * (K x N int8) -> M x N int32; throws if a result does not fit int32. */
export function matmulRef(a: Matrix, b: Matrix): Matrix<Int32Array> {
  checkInt8Matrix('a', a);
  checkInt8Matrix('b', b);
  if (a.cols !== b.rows) throw new RangeError(`matmulRef: a.cols (${a.cols}) must equal b.rows (${b.rows})`);
  const out = new Int32Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let acc = 0;
      for (let k = 0; k < a.cols; k++) acc += matGet(a, i, k) * matGet(b, k, j);
      if (acc < INT32_MIN || acc > INT32_MAX) throw new RangeError(`matmulRef: result (${i}, ${j}) = ${acc} overflows int32`);
      out[i * b.cols + j] = acc;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}
