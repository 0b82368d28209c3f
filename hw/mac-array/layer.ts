/**
 * What a MacArray runs: a matmul or a conv layer, seen as one GEMM C[M x N] = A[M x K] * B[K x N].
 * A conv maps by im2col: M = output pixels (row-major y, x), K = kh*kw*c (order ky, kx, ci), N = filters,
 * so B is exactly the [kh][kw][cin][cout] weight array and C is the NHWC output. Padding zeros are made
 * by the address generator, never read from SRAM.
 */
import { ErrorCodes, SimError } from '../../sim/errors.ts';

export type Dataflow = 'ws' | 'os';

export interface MatmulLayer {
  readonly kind: 'matmul';
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

export interface ConvLayer {
  readonly kind: 'conv';
  /** Input feature map, NHWC, one frame. */
  readonly h: number;
  readonly w: number;
  readonly c: number;
  /** Kernel height and width, and number of filters (output channels). */
  readonly kh: number;
  readonly kw: number;
  readonly filters: number;
  readonly stride: number;
  /** Symmetric zero padding on both axes. */
  readonly pad: number;
}

export type MacLayer = MatmulLayer | ConvLayer;

/** The array's geometry and dataflow. */
export interface ArrayConfig {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
}

export interface Gemm {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** int8 operands for data mode: conv ifmap NHWC + weights [kh][kw][c][filters], or matmul A (MxK) + B (KxN). */
export interface MacOperands {
  /** conv: the ifmap (h*w*c); matmul: A (m*k), row-major. */
  readonly a: Int8Array;
  /** conv: the weights (kh*kw*c*filters); matmul: B (k*n), row-major. Both are B[k][n] of the GEMM. */
  readonly b: Int8Array;
}

function bad(field: string, expected: string, got: unknown): never {
  throw new SimError({
    code: ErrorCodes.BAD_PARAMETER,
    message: `mac-array: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
  });
}

function posInt(field: string, v: unknown, min = 1): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    bad(field, min === 0 ? 'a non-negative integer' : 'a positive integer', v);
  }
}

export function checkConfig(c: ArrayConfig): void {
  posInt('rows', c.rows);
  posInt('cols', c.cols);
  if (c.dataflow !== 'ws' && c.dataflow !== 'os') bad('dataflow', "'ws' or 'os'", c.dataflow);
}

/** Output size along one axis (floor mode), or an error naming the axis. */
export function convOut(size: number, k: number, stride: number, pad: number, axis: string): number {
  const span = size + 2 * pad - k;
  if (span < 0) bad(`layer.${axis}`, `>= 1 after padding (input ${size} + 2*pad ${pad} >= kernel ${k})`, span + 1);
  return Math.floor(span / stride) + 1;
}

export function checkLayer(l: MacLayer): void {
  if (l.kind === 'matmul') {
    for (const f of ['m', 'k', 'n'] as const) posInt(`layer.${f}`, l[f]);
    return;
  }
  if (l.kind !== 'conv') bad('layer.kind', "'conv' or 'matmul'", (l as { kind: unknown }).kind);
  for (const f of ['h', 'w', 'c', 'kh', 'kw', 'filters', 'stride'] as const) posInt(`layer.${f}`, l[f]);
  posInt('layer.pad', l.pad, 0);
  convOut(l.h, l.kh, l.stride, l.pad, 'output height');
  convOut(l.w, l.kw, l.stride, l.pad, 'output width');
}

/** Output height and width of a conv layer (1 x m for a matmul). */
export function outDims(l: MacLayer): { h: number; w: number } {
  if (l.kind === 'matmul') return { h: 1, w: l.m };
  return { h: convOut(l.h, l.kh, l.stride, l.pad, 'output height'), w: convOut(l.w, l.kw, l.stride, l.pad, 'output width') };
}

export function gemmOf(l: MacLayer): Gemm {
  checkLayer(l);
  if (l.kind === 'matmul') return { m: l.m, k: l.k, n: l.n };
  const o = outDims(l);
  return { m: o.h * o.w, k: l.kh * l.kw * l.c, n: l.filters };
}

/** MACs the layer needs (padding positions included: the array spends them on zeros). */
export function layerMacs(l: MacLayer): number {
  const g = gemmOf(l);
  return g.m * g.k * g.n;
}

/**
 * Address of A[m][k] in the `a` operand, or -1 for a padding zero (no SRAM read). Hot path of the
 * operand fetch unit, so it is a closure with the geometry baked in.
 */
export function aAddress(l: MacLayer): (m: number, k: number) => number {
  if (l.kind === 'matmul') {
    const K = l.k;
    return (m, k) => m * K + k;
  }
  const { w: wOut } = outDims(l);
  const { h: H, w: W, c: C, kw, stride: S, pad: P } = l;
  const kwc = kw * C;
  return (m, k) => {
    const oy = (m / wOut) | 0;
    const ox = m - oy * wOut;
    const ky = (k / kwc) | 0;
    const r = k - ky * kwc;
    const kx = (r / C) | 0;
    const iy = oy * S + ky - P;
    const ix = ox * S + kx - P;
    if (iy < 0 || iy >= H || ix < 0 || ix >= W) return -1;
    return (iy * W + ix) * C + (r - kx * C);
  };
}

/** Number of A elements that are not padding (= ifmap SRAM reads for one pass over A). */
export function aReadsPerPass(l: MacLayer): number {
  if (l.kind === 'matmul') return l.m * l.k;
  const o = outDims(l);
  // Validity is separable: rows (oy, ky) times columns (ox, kx), then every channel.
  const axis = (outN: number, k: number, size: number): number => {
    let n = 0;
    for (let q = 0; q < outN; q++) {
      for (let t = 0; t < k; t++) {
        const i = q * l.stride + t - l.pad;
        if (i >= 0 && i < size) n++;
      }
    }
    return n;
  };
  return axis(o.h, l.kh, l.h) * axis(o.w, l.kw, l.w) * l.c;
}

/** Check the operand arrays' types and lengths for data mode. */
export function checkOperands(l: MacLayer, ops: MacOperands | undefined): asserts ops is MacOperands {
  if (ops === undefined) bad('operands', 'given in data mode ({a, b} int8 arrays)', undefined);
  const g = gemmOf(l);
  const aLen = l.kind === 'matmul' ? g.m * g.k : l.h * l.w * l.c;
  const aName = l.kind === 'matmul' ? 'A (m*k)' : 'the ifmap (h*w*c)';
  const bName = l.kind === 'matmul' ? 'B (k*n)' : 'the weights (kh*kw*c*filters)';
  if (!(ops.a instanceof Int8Array) || ops.a.length !== aLen) bad('operands.a', `an Int8Array of ${aName} = ${aLen} values`, ops.a?.length);
  if (!(ops.b instanceof Int8Array) || ops.b.length !== g.k * g.n) bad('operands.b', `an Int8Array of ${bName} = ${g.k * g.n} values`, ops.b?.length);
}
