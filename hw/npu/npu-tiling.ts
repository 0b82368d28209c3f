// Tiling geometry of the NPU controller (pure functions).
//
// Row bands: a layer whose input or output lives in DRAM runs in bands of R output rows. Band b
// computes output rows [bR, bR+R) from input rows [max(0, r0*s - p), min(H, (r1-1)*s - p + max(k, s))):
// consecutive bands overlap by max(0, k - s) input rows (the halo, loaded again: a tiling re-read), and
// every input row is loaded at least once (for k < s the rows between windows are loaded too, so a band's
// input is one contiguous DMA). Matmuls and windows as tall as the input (global pooling) are one band.
//
// Weight tiles: a GEMM's K x N weights (conv: K = k*k*cin, N = cout) are cut into tiles that fit one
// weight-buffer slot: whole K and as many N columns as fit, in multiples of the array's columns; if
// K x cols does not fit, K is split into multiples of the array's rows (partial sums stay in the array's
// accumulators). Tiles are as equal as those multiples allow. Weights are stored pre-tiled in DRAM, so
// each tile is one contiguous DMA.
import type { ArrayConfig } from '../mac-array/layer.ts';
import { NPU_ALIGN, alignDown, alignUp } from './npu-config.ts';
import { rowBytes, type NpuLayer } from './npu-network.ts';

export interface Band {
  readonly index: number;
  /** Output rows [r0, r1). */
  readonly r0: number;
  readonly r1: number;
  /** Input rows [in0, in1) (every input of the layer has the same geometry). */
  readonly in0: number;
  readonly in1: number;
  /** Input rows shared with the previous band (its halo), 0 for the first band. */
  readonly haloRows: number;
}

/** Input rows read by output rows [r0, r1). */
export function inputRows(l: NpuLayer, r0: number, r1: number): [number, number] {
  const H = l.inShapes[0]!.h;
  if (l.kind === 'matmul') return [0, H];
  const { kernel: k, stride: s, padding: p } = l;
  return [Math.max(0, r0 * s - p), Math.min(H, (r1 - 1) * s - p + Math.max(k, s))];
}

/** Whether the layer can be split into row bands (not a matmul, more than one output row). */
export function bandable(l: NpuLayer): boolean {
  return l.kind !== 'matmul' && l.outShape.h > 1;
}

/**
 * Band heights must keep every band's first output byte on a DRAM burst boundary (DMA addresses are
 * burst-aligned): R x (output row bytes) is a multiple of 64.
 */
export function bandRowQuantum(l: NpuLayer): number {
  const rb = rowBytes(l.outShape);
  return NPU_ALIGN / gcd(rb, NPU_ALIGN);
}

/** The bands of a layer with `rows` output rows per band (clamped to the layer; the last may be shorter). */
export function bands(l: NpuLayer, rows: number): Band[] {
  const H = l.outShape.h;
  const R = bandable(l) ? Math.max(1, Math.min(rows, H)) : H;
  const out: Band[] = [];
  let prevEnd = 0;
  for (let r0 = 0, b = 0; r0 < H; r0 += R, b++) {
    const r1 = Math.min(H, r0 + R);
    const [in0, in1] = inputRows(l, r0, r1);
    out.push({ index: b, r0, r1, in0, in1, haloRows: b === 0 ? 0 : Math.max(0, prevEnd - in0) });
    prevEnd = in1;
  }
  return out;
}

/** Largest band height allowed for the layer (all rows) and the smallest legal one. */
export function bandRowRange(l: NpuLayer): { min: number; max: number } {
  const H = l.outShape.h;
  if (!bandable(l)) return { min: H, max: H };
  return { min: Math.min(H, bandRowQuantum(l)), max: H };
}

/** Staging bytes one band of `rows` output rows needs for one streamed input (the largest band). */
export function inputStageBytes(l: NpuLayer, input: number, rows: number): number {
  const rb = rowBytes(l.inShapes[input]!);
  let most = 0;
  for (const b of bands(l, rows)) {
    // the DMA starts at the burst boundary at or below the band's first byte
    const start = alignDown(b.in0 * rb);
    most = Math.max(most, b.in1 * rb - start);
  }
  return alignUp(most);
}

/** Staging bytes of one band of `rows` output rows for a streamed output. */
export function outputStageBytes(l: NpuLayer, rows: number): number {
  const R = bandable(l) ? Math.min(rows, l.outShape.h) : l.outShape.h;
  return alignUp(R * rowBytes(l.outShape));
}

export interface WeightTile {
  readonly index: number;
  /** GEMM rows [k0, k1) and columns [n0, n1) of the K x N weight matrix. */
  readonly k0: number;
  readonly k1: number;
  readonly n0: number;
  readonly n1: number;
  readonly bytes: number;
}

/** The weight matrix of a MAC layer as a GEMM: K = k*k*cin (matmul: cin), N = cout. */
export function weightGemm(l: NpuLayer): { k: number; n: number } {
  if (l.kind === 'conv') return { k: l.kernel * l.kernel * l.cin, n: l.cout };
  if (l.kind === 'matmul') return { k: l.cin, n: l.cout };
  return { k: 0, n: 0 };
}

/** GEMM rows M of one band: output pixels (matmul: 1). */
export function bandM(l: NpuLayer, b: Band): number {
  return l.kind === 'matmul' ? 1 : (b.r1 - b.r0) * l.outShape.w;
}

export function weightTiles(l: NpuLayer, slotBytes: number, array: ArrayConfig): WeightTile[] {
  const { k: K, n: N } = weightGemm(l);
  if (K === 0) return [];
  // equal tiles: with two slots, a short tile after a long one leaves too little compute to hide the
  // next long load behind
  const even = (total: number, most: number, quantum: number) => {
    const count = Math.ceil(total / most);
    return Math.min(most, Math.ceil(total / count / quantum) * quantum);
  };
  let kt: number;
  let nt: number;
  if (K * N <= slotBytes) {
    kt = K;
    nt = N;
  } else if (K * Math.min(array.cols, N) <= slotBytes) {
    kt = K;
    nt = even(N, Math.floor(slotBytes / K / array.cols) * array.cols, array.cols);
  } else {
    nt = Math.min(array.cols, N);
    const most = Math.floor(slotBytes / nt / array.rows) * array.rows;
    if (most < 1) {
      throw new Error(`weightSlotBytes ${slotBytes}: too small for layer '${l.name}' (one array row of ${nt} columns needs ${array.rows * nt} bytes)`);
    }
    kt = even(K, most, array.rows);
  }
  const tiles: WeightTile[] = [];
  for (let n0 = 0; n0 < N; n0 += nt) {
    for (let k0 = 0; k0 < K; k0 += kt) {
      const n1 = Math.min(N, n0 + nt);
      const k1 = Math.min(K, k0 + kt);
      tiles.push({ index: tiles.length, k0, k1, n0, n1, bytes: (k1 - k0) * (n1 - n0) });
    }
  }
  return tiles;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
