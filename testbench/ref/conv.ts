/**
 * Reference 2-D convolution (cross-correlation, as in every DL framework: the kernel is not
 * flipped) over an int8 NHWC tensor with int8 weights, int32 bias and int32 accumulation.
 *
 * Weight layout: a flat Int8Array indexed [kh][kw][cin][cout], i.e.
 *   index(ky, kx, ci, co) = ((ky * kw + kx) * cin + ci) * cout + co
 * so the output channel is fastest, matching a MAC array that broadcasts one input value
 * to all output channels.
 *
 * Output size per axis: H_out = floor((H + 2P - K) / S) + 1 with symmetric zero padding P.
 * out[y][x][co] = bias[co] + sum over ky, kx, ci of
 *                 in[y*S + ky - P][x*S + kx - P][ci] * w[ky][kx][ci][co]   (0 outside the image)
 */
import type { Rng } from '../stimulus/random.ts';
import { INT32_MAX, INT32_MIN, Tensor, int32Tensor } from './tensor.ts';

export interface ConvWeights {
  readonly kh: number;
  readonly kw: number;
  readonly cin: number;
  readonly cout: number;
  /** Length kh*kw*cin*cout, layout [kh][kw][cin][cout]. */
  readonly data: Int8Array;
}

export interface Conv2dParams {
  readonly weights: ConvWeights;
  /** One int32 per output channel; zeros when omitted. */
  readonly bias?: Int32Array;
  /** Same stride on both axes; default 1. */
  readonly stride?: number;
  /** Symmetric zero padding on both axes; default (K-1)/2 per axis ("same" for stride 1). */
  readonly pad?: number;
}

function checkDim(what: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${what}: ${name} must be a positive integer, got ${v}`);
}

/** Zero weights of the given geometry, or from flat [kh][kw][cin][cout] values (range-checked). */
export function makeWeights(kh: number, kw: number, cin: number, cout: number, values?: ArrayLike<number>): ConvWeights {
  for (const [name, v] of [['kh', kh], ['kw', kw], ['cin', cin], ['cout', cout]] as const) checkDim('makeWeights', name, v);
  const n = kh * kw * cin * cout;
  const data = new Int8Array(n);
  if (values !== undefined) {
    if (values.length !== n) {
      throw new RangeError(`makeWeights: values length must be kh*kw*cin*cout = ${n}, got ${values.length}`);
    }
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (!Number.isInteger(v) || v < -128 || v > 127) {
        throw new RangeError(`makeWeights: values[${i}] must be an int8 integer in [-128, 127], got ${v}`);
      }
      data[i] = v;
    }
  }
  return { kh, kw, cin, cout, data };
}

export function weightIndex(w: ConvWeights, ky: number, kx: number, ci: number, co: number): number {
  const coords = [['ky', ky, w.kh], ['kx', kx, w.kw], ['ci', ci, w.cin], ['co', co, w.cout]] as const;
  for (const [name, v, size] of coords) {
    if (!Number.isInteger(v) || v < 0 || v >= size) throw new RangeError(`weights: ${name}=${v} out of range [0, ${size})`);
  }
  return ((ky * w.kw + kx) * w.cin + ci) * w.cout + co;
}

export function getWeight(w: ConvWeights, ky: number, kx: number, ci: number, co: number): number {
  return w.data[weightIndex(w, ky, kx, ci, co)] as number;
}

export function setWeight(w: ConvWeights, ky: number, kx: number, ci: number, co: number, value: number): void {
  if (!Number.isInteger(value) || value < -128 || value > 127) {
    throw new RangeError(`setWeight: value must be an int8 integer in [-128, 127], got ${value}`);
  }
  w.data[weightIndex(w, ky, kx, ci, co)] = value;
}

export function randomWeights(rng: Rng, kh: number, kw: number, cin: number, cout: number): ConvWeights {
  const w = makeWeights(kh, kw, cin, cout);
  for (let i = 0; i < w.data.length; i++) w.data[i] = rng.int8();
  return w;
}

/** Throws with a clear message unless `w` is a well-formed weight set. */
export function checkWeights(w: ConvWeights, what: string): void {
  for (const name of ['kh', 'kw', 'cin', 'cout'] as const) checkDim(what, `weights.${name}`, w[name]);
  if (!(w.data instanceof Int8Array)) throw new TypeError(`${what}: weights.data must be an Int8Array`);
  const n = w.kh * w.kw * w.cin * w.cout;
  if (w.data.length !== n) {
    throw new RangeError(`${what}: weights.data length must be kh*kw*cin*cout = ${n}, got ${w.data.length}`);
  }
}

/** Output size along one axis; throws when the kernel does not fit even once. */
export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  const span = size + 2 * pad - k;
  if (span < 0) {
    throw new RangeError(`conv2d: kernel ${k} does not fit input ${size} with pad ${pad} (size + 2*pad - k = ${span} < 0)`);
  }
  return Math.floor(span / stride) + 1;
}

function defaultPad(k: number, axis: string): number {
  if (k % 2 === 0) {
    throw new RangeError(`conv2d: default "same" padding needs an odd kernel, got ${axis}=${k}; pass pad explicitly`);
  }
  return (k - 1) / 2;
}

/** int8 NHWC in, int32 NHWC accumulators out (before any requantisation). */
export function conv2d(x: Tensor, params: Conv2dParams): Tensor<Int32Array> {
  const { weights: w } = params;
  if (x.dtype !== 'int8') throw new TypeError(`conv2d: input must be an int8 tensor, got ${x.dtype}`);
  checkWeights(w, 'conv2d');
  if (w.cin !== x.shape.c) {
    throw new RangeError(`conv2d: weights.cin must equal input channels ${x.shape.c}, got ${w.cin}`);
  }
  const stride = params.stride ?? 1;
  if (!Number.isSafeInteger(stride) || stride < 1) throw new RangeError(`conv2d: stride must be a positive integer, got ${stride}`);
  if (params.pad !== undefined && (!Number.isSafeInteger(params.pad) || params.pad < 0)) {
    throw new RangeError(`conv2d: pad must be a non-negative integer, got ${params.pad}`);
  }
  const padY = params.pad ?? defaultPad(w.kh, 'kh');
  const padX = params.pad ?? defaultPad(w.kw, 'kw');
  const bias = params.bias;
  if (bias !== undefined) {
    if (!(bias instanceof Int32Array)) throw new TypeError('conv2d: bias must be an Int32Array');
    if (bias.length !== w.cout) throw new RangeError(`conv2d: bias length must equal weights.cout = ${w.cout}, got ${bias.length}`);
  }

  const hOut = convOutSize(x.shape.h, w.kh, stride, padY);
  const wOut = convOutSize(x.shape.w, w.kw, stride, padX);
  const out = int32Tensor({ h: hOut, w: wOut, c: w.cout });

  for (let oy = 0; oy < hOut; oy++) {
    for (let ox = 0; ox < wOut; ox++) {
      for (let co = 0; co < w.cout; co++) {
        // JS numbers are exact to 2^53, far beyond any realistic sum, so accumulate exactly and
        // only require the final value to fit int32. (Hardware that wraps mid-sum still agrees:
        // two's-complement addition is exact modulo 2^32.)
        let acc = bias === undefined ? 0 : (bias[co] as number);
        for (let ky = 0; ky < w.kh; ky++) {
          const iy = oy * stride + ky - padY;
          if (iy < 0 || iy >= x.shape.h) continue; // zero padding contributes nothing
          for (let kx = 0; kx < w.kw; kx++) {
            const ix = ox * stride + kx - padX;
            if (ix < 0 || ix >= x.shape.w) continue;
            for (let ci = 0; ci < w.cin; ci++) {
              acc += x.get(iy, ix, ci) * getWeight(w, ky, kx, ci, co);
            }
          }
        }
        if (acc < INT32_MIN || acc > INT32_MAX) {
          throw new RangeError(`conv2d: accumulator ${acc} at (y=${oy}, x=${ox}, c=${co}) overflows int32`);
        }
        out.data[out.index(oy, ox, co)] = acc;
      }
    }
  }
  return out;
}
