/**
 * Geometry and cycle-model formulas of the streaming conv (LineBuffer + ConvEngine), shared by the
 * hardware model, its tests and the skip-FIFO sizing tools. Everything the sizing engineer needs to derive
 * an analytic FIFO depth lives here as plain functions; docs/components-conv.md states the same rules.
 *
 * Addresses: input pixels are numbered in raster order, `q = y*W + x` inside a frame and
 * `frame*H*W + q` globally. An input beat b belongs to pixel floor(b / IG) and channel group b mod IG.
 */
import { ErrorCodes, SimError } from '../../sim/errors.ts';

/** Shape, folding and buffering of one streaming conv layer. */
export interface ConvShape {
  /** Input image height H (rows). */
  height: number;
  /** Input image width W (pixels per row). */
  width: number;
  /** Input channels. */
  cin: number;
  /** Output channels. */
  cout: number;
  /** Square kernel size K (K x K). */
  k: number;
  /** Stride S on both axes; default 1. */
  stride?: number;
  /** Symmetric zero padding P on both axes, 0..K-1; default (K-1)/2 (odd K only). */
  pad?: number;
  /** Input lanes per beat (input-channel folding). Cin need not be a multiple: the last group is padded. */
  simd: number;
  /** Output lanes per beat (output-channel folding). Cout need not be a multiple: the last group is padded. */
  pe: number;
  /**
   * Line-buffer capacity in input pixels (each IG words of SIMD x 8 bits). Default
   * defaultLineBufferPixels = (K+S-2)*W + K + S: the window span (K-1)*W + K, plus S pixels of look-ahead
   * so the next output pixel's input streams in while the current one computes, plus S-1 rows so a strided
   * conv can also read the next output row's new input rows ahead. Must be >= `minLineBufferPixels`.
   */
  lineBufferPixels?: number;
}

export interface ConvGeometry {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly simd: number;
  readonly pe: number;
  readonly hOut: number;
  readonly wOut: number;
  /** IG = ceil(Cin/SIMD): input beats per pixel. */
  readonly inGroups: number;
  /** NF = ceil(Cout/PE): output beats per pixel. */
  readonly outGroups: number;
  /** SF = K*K*IG: MAC cycles per output beat. */
  readonly macCyclesPerBeat: number;
  /** SF*NF: MAC cycles per output pixel (the compute-bound initiation interval). */
  readonly cyclesPerPixel: number;
  readonly inBeatsPerFrame: number;
  readonly outBeatsPerFrame: number;
  /** Line-buffer capacity in pixels (CAP). */
  readonly lineBufferPixels: number;
  /** Smallest capacity with which every window fits (no deadlock): max over pixels of the live span. */
  readonly minLineBufferPixels: number;
  /** CAP * IG words of SIMD lanes. */
  readonly lineBufferWords: number;
  /** Bits of one line-buffer word: SIMD * 8. */
  readonly lineBufferWordBits: number;
  /** lineBufferWords * lineBufferWordBits. */
  readonly lineBufferBits: number;
  /** Per output row / column: the last input row / column the window needs (clipped to the image). */
  readonly needRow: Int32Array;
  readonly needCol: Int32Array;
  /** Per output row / column: the first input row / column of the window (clipped to the image). */
  readonly oldRow: Int32Array;
  readonly oldCol: Int32Array;
}

function bad(where: string, message: string, hint?: string): never {
  throw new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `${where}: ${message}`, paths: [where], hint });
}

function positiveInt(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    bad(where, `${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** Validate a shape and derive every constant of the cycle model. Errors name the parameter. */
export function convGeometry(shape: ConvShape, where = 'conv'): ConvGeometry {
  const h = positiveInt(where, 'height', shape.height);
  const w = positiveInt(where, 'width', shape.width);
  const cin = positiveInt(where, 'cin', shape.cin);
  const cout = positiveInt(where, 'cout', shape.cout);
  const k = positiveInt(where, 'k', shape.k);
  const stride = positiveInt(where, 'stride', shape.stride ?? 1);
  const simd = positiveInt(where, 'simd', shape.simd);
  const pe = positiveInt(where, 'pe', shape.pe);
  let pad: number;
  if (shape.pad === undefined) {
    if (k % 2 === 0) bad(where, `pad must be given for an even kernel (k = ${k}); the default (k-1)/2 needs an odd k`);
    pad = (k - 1) / 2;
  } else {
    pad = shape.pad;
    if (!Number.isSafeInteger(pad) || pad < 0 || pad > k - 1) {
      bad(where, `pad must be an integer in 0..k-1 = 0..${k - 1}, got ${pad}`, 'a larger pad would give windows that lie wholly in the padding');
    }
  }
  if (h + 2 * pad < k) bad(where, `kernel k = ${k} does not fit height ${h} with pad ${pad} (height + 2*pad must be >= k)`);
  if (w + 2 * pad < k) bad(where, `kernel k = ${k} does not fit width ${w} with pad ${pad} (width + 2*pad must be >= k)`);
  const hOut = Math.floor((h + 2 * pad - k) / stride) + 1;
  const wOut = Math.floor((w + 2 * pad - k) / stride) + 1;

  const needRow = new Int32Array(hOut);
  const oldRow = new Int32Array(hOut);
  for (let oy = 0; oy < hOut; oy++) {
    needRow[oy] = Math.min(h - 1, oy * stride + k - 1 - pad);
    oldRow[oy] = Math.max(0, oy * stride - pad);
  }
  const needCol = new Int32Array(wOut);
  const oldCol = new Int32Array(wOut);
  for (let ox = 0; ox < wOut; ox++) {
    needCol[ox] = Math.min(w - 1, ox * stride + k - 1 - pad);
    oldCol[ox] = Math.max(0, ox * stride - pad);
  }
  const inGroups = Math.ceil(cin / simd);
  const outGroups = Math.ceil(cout / pe);
  const macCyclesPerBeat = k * k * inGroups;

  const partial = { h, w, stride, hOut, wOut, needRow, needCol, oldRow, oldCol };
  let minPixels = 0;
  for (let oy = 0; oy < hOut; oy++) {
    for (let ox = 0; ox < wOut; ox++) {
      const live = oy === 0 && ox === 0 ? 0 : releasePixelOf(partial, ox === 0 ? oy - 1 : oy, ox === 0 ? wOut - 1 : ox - 1);
      const span = needRow[oy]! * w + needCol[ox]! - live + 1;
      if (span > minPixels) minPixels = span;
    }
  }
  const lineBufferPixels = shape.lineBufferPixels ?? defaultLineBufferPixels(k, stride, w);
  if (!Number.isSafeInteger(lineBufferPixels) || lineBufferPixels < minPixels) {
    bad(
      where,
      `lineBufferPixels must be an integer >= ${minPixels} (the largest window span of this geometry), got ${lineBufferPixels}`,
      'a smaller line buffer could never hold a whole window and would deadlock',
    );
  }
  const lineBufferWords = lineBufferPixels * inGroups;
  return {
    h, w, cin, cout, k, stride, pad, simd, pe, hOut, wOut, inGroups, outGroups, macCyclesPerBeat,
    cyclesPerPixel: macCyclesPerBeat * outGroups,
    inBeatsPerFrame: h * w * inGroups,
    outBeatsPerFrame: hOut * wOut * outGroups,
    lineBufferPixels,
    minLineBufferPixels: minPixels,
    lineBufferWords,
    lineBufferWordBits: simd * 8,
    lineBufferBits: lineBufferWords * simd * 8,
    needRow, needCol, oldRow, oldCol,
  };
}

/**
 * The default line-buffer capacity in pixels: (K+S-2)*W + K + S, i.e. (K-1)*W + K + 1 at stride 1. With it a
 * "same" conv reaches its throughput bound max(H*W*IG, Hout*Wout*NF*SF) cycles per frame in steady state
 * (the S-1 extra rows matter only for stride > 1: without them a 3x3/2 conv loses 5-20 % at row ends).
 */
export function defaultLineBufferPixels(k: number, stride: number, width: number): number {
  return (k + stride - 2) * width + k + stride;
}

type RowColTables = Pick<ConvGeometry, 'h' | 'w' | 'hOut' | 'wOut' | 'needRow' | 'needCol' | 'oldRow' | 'oldCol'>;

/**
 * Raster index (inside the frame) of the last input pixel the window of output pixel (oy, ox) reads:
 * (min(H-1, oy*S+K-1-P), min(W-1, ox*S+K-1-P)). Output beats of (oy, ox) start computing only after
 * all IG beats of this pixel (and so of every earlier pixel) have been accepted.
 */
export function needPixel(g: RowColTables, oy: number, ox: number): number {
  return g.needRow[oy]! * g.w + g.needCol[ox]!;
}

/** Raster index of the first input pixel of the window of (oy, ox): (max(0, oy*S-P), max(0, ox*S-P)). */
export function windowStartPixel(g: RowColTables, oy: number, ox: number): number {
  return g.oldRow[oy]! * g.w + g.oldCol[ox]!;
}

function releasePixelOf(g: Pick<RowColTables, 'h' | 'w' | 'hOut' | 'wOut' | 'oldRow' | 'oldCol'>, oy: number, ox: number): number {
  // The oldest pixel any later output still reads. Windows of the top rows all clamp to row 0, so the
  // next row may start before the current window: take the minimum, not just the next window's start.
  let rel = g.h * g.w; // after the last pixel of the frame: everything up to the next frame is free
  if (ox + 1 < g.wOut) rel = g.oldRow[oy]! * g.w + g.oldCol[ox + 1]!;
  if (oy + 1 < g.hOut) rel = Math.min(rel, g.oldRow[oy + 1]! * g.w);
  return rel;
}

/**
 * Raster index (inside the frame; H*W after the frame's last pixel) of the oldest input pixel still live
 * once every output beat of (oy, ox) has finished computing: min(windowStart(oy, ox+1), windowStart(oy+1, 0)).
 * At that edge the line buffer frees every pixel before it.
 */
export function releasePixel(g: ConvGeometry, oy: number, ox: number): number {
  return releasePixelOf(g, oy, ox);
}

/** Input beats that must have arrived before the first output beat can start: (need(0,0) + 1) * IG. */
export function firstOutputInputBeats(g: ConvGeometry): number {
  return (needPixel(g, 0, 0) + 1) * g.inGroups;
}

/**
 * Latency, in cycles, from the edge of the first input transfer to the edge of the first output transfer
 * when the source is always valid and the sink always ready: N0 + SF with N0 = firstOutputInputBeats.
 * For a "same" conv (P = (K-1)/2, stride 1) on an image at least K-P tall and wide this is
 * ((K-1-P)*(W+1) + 1) * IG + K*K*IG.
 */
export function firstOutputLatency(g: ConvGeometry): number {
  return firstOutputInputBeats(g) + g.macCyclesPerBeat;
}
