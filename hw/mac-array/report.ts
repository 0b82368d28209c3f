/** What a MacArray run (simulated or analytic) reports. Field names are the CLI's JSON fields. */
import type { PhaseCycles } from './folds.ts';
import type { Dataflow, Gemm } from './layer.ts';

/** SRAM accesses in elements; an element is 1 byte for ifmap/filter (int8), 4 for psum/ofmap (int32). */
export interface SramReads {
  ifmap: number;
  filter: number;
  /** Partial sums read back to accumulate the next k-tile (weight-stationary only). */
  psum: number;
}

export interface SramWrites {
  /** Partial sums of every k-tile but the last (weight-stationary only). */
  psum: number;
  /** Final int32 outputs, M*N: each written once. */
  ofmap: number;
}

export const BYTES_PER_ELEMENT = { ifmap: 1, filter: 1, psum: 4, ofmap: 4 } as const;

export interface MacArrayReport {
  rows: number;
  cols: number;
  dataflow: Dataflow;
  gemm: Gemm;
  /** Compute cycles: rising edges on which the array worked (see docs for the issue/write-back edges). */
  cycles: number;
  /** Multiply-accumulates, M*K*N. */
  macs: number;
  /** macs / (rows * cols * cycles). */
  utilisation: number;
  folds: number;
  /** Tiles along each GEMM dimension; folds = m * k * n. */
  foldGrid: Gemm;
  /** Cycles spent in each phase, summed over folds; they add up to `cycles`. */
  phases: PhaseCycles;
  sramReads: SramReads;
  sramWrites: SramWrites;
  sramReadBytes: number;
  sramWriteBytes: number;
}

export function readBytes(r: SramReads): number {
  return r.ifmap * BYTES_PER_ELEMENT.ifmap + r.filter * BYTES_PER_ELEMENT.filter + r.psum * BYTES_PER_ELEMENT.psum;
}

export function writeBytes(w: SramWrites): number {
  return w.psum * BYTES_PER_ELEMENT.psum + w.ofmap * BYTES_PER_ELEMENT.ofmap;
}
