/**
 * Folds: how a GEMM is tiled onto a rows x cols array, and the cycle phases of each fold.
 *
 * Weight-stationary: a fold holds a tile of B (kt <= rows reduction rows x nt <= cols filters) and
 * streams all M rows of A through it. Folds go n-tile outer, k-tile inner; partial sums of k-tile
 * 0..kFolds-2 go to the psum buffer and come back for the next k-tile.
 * Output-stationary: a fold owns an mt <= rows x nt <= cols tile of C and streams the whole K through it
 * (no psum traffic). Folds go m-tile outer, n-tile inner.
 */
import type { ArrayConfig, Gemm } from './layer.ts';

export interface Fold {
  readonly index: number;
  readonly m0: number;
  readonly mt: number;
  readonly k0: number;
  readonly kt: number;
  readonly n0: number;
  readonly nt: number;
  /** Which k-tile this is (0 for output-stationary) and how many there are. */
  readonly kFold: number;
  readonly kFolds: number;
}

export type Phase = 'load' | 'fill' | 'stream' | 'drain';
export const PHASES: readonly Phase[] = ['load', 'fill', 'stream', 'drain'];
export type PhaseCycles = Record<Phase, number>;

const tiles = (size: number, tile: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let s = 0; s < size; s += tile) out.push([s, Math.min(tile, size - s)]);
  return out;
};

export function foldsOf(cfg: ArrayConfig, g: Gemm): Fold[] {
  const out: Fold[] = [];
  if (cfg.dataflow === 'ws') {
    const ks = tiles(g.k, cfg.rows);
    for (const [n0, nt] of tiles(g.n, cfg.cols)) {
      ks.forEach(([k0, kt], kFold) => {
        out.push({ index: out.length, m0: 0, mt: g.m, k0, kt, n0, nt, kFold, kFolds: ks.length });
      });
    }
  } else {
    for (const [m0, mt] of tiles(g.m, cfg.rows)) {
      for (const [n0, nt] of tiles(g.n, cfg.cols)) {
        out.push({ index: out.length, m0, mt, k0: 0, kt: g.k, n0, nt, kFold: 0, kFolds: 1 });
      }
    }
  }
  return out;
}

/**
 * Cycles of each phase of one fold (see docs/components-mac-array.md for the per-edge reasoning):
 *  ws: load kt (weights shift down one row per edge) | fill rows-1 (a partial sum crosses every row
 *      to the bottom edge) | stream M (one A row enters per edge) | drain nt-1 (skew of the last column)
 *  os: fill (mt-1)+(nt-1) (input skew to the farthest used PE) | stream K | drain rows-1 (accumulators
 *      shift down to the bottom edge; the bottom row is already there)
 */
export function foldPhases(cfg: ArrayConfig, g: Gemm, f: Fold): PhaseCycles {
  if (cfg.dataflow === 'ws') return { load: f.kt, fill: cfg.rows - 1, stream: g.m, drain: f.nt - 1 };
  return { load: 0, fill: f.mt - 1 + (f.nt - 1), stream: g.k, drain: cfg.rows - 1 };
}
