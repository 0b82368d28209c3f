import { describe, expect, it } from 'vitest';
import { makeRng } from '../stimulus/random.ts';
import {
  assertTensorEqual,
  firstMismatch,
  fromNested,
  int32Tensor,
  int8Tensor,
  randomTensor,
  Tensor,
  tensorsEqual,
} from './tensor.ts';

describe('Tensor', () => {
  it('stores NHWC with channel fastest: (y, x, c) -> (y*w + x)*C + c', () => {
    // shape h=2, w=3, c=4; element (1, 2, 3) sits at (1*3 + 2)*4 + 3 = 23, the last slot.
    const t = int8Tensor({ h: 2, w: 3, c: 4 }, Array.from({ length: 24 }, (_, i) => i));
    expect(t.index(1, 2, 3)).toBe(23);
    expect(t.get(1, 2, 3)).toBe(23);
    // (0, 1, 2) -> (0*3 + 1)*4 + 2 = 6
    expect(t.get(0, 1, 2)).toBe(6);
    t.set(0, 1, 2, -5);
    expect(t.data[6]).toBe(-5);
  });

  it('fromNested reads [y][x][c]', () => {
    const t = fromNested([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 'int8');
    expect(t.shape).toEqual({ h: 2, w: 2, c: 2 });
    expect(t.get(1, 0, 1)).toBe(6);
    expect(t.dtype).toBe('int8');
    expect(fromNested([[[70000]]], 'int32').dtype).toBe('int32');
  });

  it('rejects bad shapes, naming the field and value', () => {
    expect(() => int8Tensor({ h: 0, w: 2, c: 2 })).toThrow('shape.h must be a positive integer, got 0');
    expect(() => int8Tensor({ h: 2, w: 1.5, c: 2 })).toThrow('shape.w must be a positive integer, got 1.5');
    expect(() => int32Tensor({ h: 2, w: 2, c: -1 })).toThrow('shape.c must be a positive integer, got -1');
    expect(() => new Tensor({ h: 2, w: 2, c: 2 }, new Int8Array(7))).toThrow('data length must be h*w*c = 8');
    expect(() => int8Tensor({ h: 1, w: 1, c: 2 }, [1])).toThrow('values length must be h*w*c = 2, got 1');
    expect(() => fromNested([[[1], [2, 3]]], 'int8')).toThrow('pixel (0, 1) must have c = 1 channels, got 2');
  });

  it('rejects out-of-range coordinates and values instead of wrapping', () => {
    const t = int8Tensor({ h: 2, w: 2, c: 1 });
    expect(() => t.get(2, 0, 0)).toThrow('y=2 out of range [0, 2)');
    expect(() => t.get(0, -1, 0)).toThrow('x=-1 out of range [0, 2)');
    expect(() => t.set(0, 0, 0, 128)).toThrow('value must be an int8 integer in [-128, 127], got 128');
    expect(() => int8Tensor({ h: 1, w: 1, c: 1 }, [-129])).toThrow('values[0] must be an integer in [-128, 127], got -129');
    expect(() => int32Tensor({ h: 1, w: 1, c: 1 }, [2 ** 31])).toThrow('got 2147483648');
  });

  it('randomTensor is reproducible and int8', () => {
    const a = randomTensor(makeRng('t'), 3, 4, 5);
    const b = randomTensor(makeRng('t'), 3, 4, 5);
    expect(a.dtype).toBe('int8');
    expect(tensorsEqual(a, b)).toBe(true);
    expect(tensorsEqual(a, randomTensor(makeRng('u'), 3, 4, 5))).toBe(false);
  });
});

describe('firstMismatch', () => {
  it('returns null for equal tensors and the first NHWC position otherwise', () => {
    const a = fromNested([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 'int8');
    const b = fromNested([[[1, 2], [3, 4]], [[5, 0], [7, 9]]], 'int8');
    expect(firstMismatch(a, a)).toBeNull();
    expect(firstMismatch(a, b)).toEqual({ y: 1, x: 0, c: 1, expected: 6, actual: 0 });
  });

  it('compares values across dtypes and refuses different shapes', () => {
    const a8 = fromNested([[[1, -2]]], 'int8');
    const a32 = fromNested([[[1, -2]]], 'int32');
    expect(firstMismatch(a8, a32)).toBeNull();
    expect(() => firstMismatch(a8, fromNested([[[1], [-2]]], 'int8'))).toThrow(
      'shapes differ, expected {h: 1, w: 1, c: 2}, actual {h: 1, w: 2, c: 1}',
    );
    expect(tensorsEqual(a8, fromNested([[[1], [-2]]], 'int8'))).toBe(false);
  });

  it('assertTensorEqual names the position in its message', () => {
    const a = fromNested([[[1]], [[2]]], 'int8');
    const b = fromNested([[[1]], [[3]]], 'int8');
    expect(() => assertTensorEqual(a, b, 'conv1 out')).toThrow('conv1 out: mismatch at (y=1, x=0, c=0): expected 2, actual 3');
    expect(() => assertTensorEqual(a, a)).not.toThrow();
  });
});
