/**
 * The closed-form cost of a layer on a MacArray, equal to the clocked simulation (tested over grids of
 * shapes and array sizes). With Fm, Fk, Fn the tile counts ceil(M/rows), ceil(K/rows), ceil(N/cols):
 *
 *   ws: cycles = sum over Fk*Fn folds of [kt + (rows-1) + M + (nt-1)]
 *              = Fn*K + Fk*Fn*(rows-1+M) + Fk*(N-Fn)
 *   os: cycles = sum over Fm*Fn folds of [(mt-1) + (nt-1) + K + (rows-1)]
 *              = Fn*(M-Fm) + Fm*(N-Fn) + Fm*Fn*(K+rows-1)
 */
import { aReadsPerPass, checkConfig, gemmOf, type ArrayConfig, type MacLayer } from './layer.ts';
import { readBytes, writeBytes, type MacArrayReport, type SramReads, type SramWrites } from './report.ts';

const ceil = (a: number, b: number): number => Math.ceil(a / b);

export function macArrayCycles(cfg: ArrayConfig, layer: MacLayer): MacArrayReport {
  checkConfig(cfg);
  const g = gemmOf(layer);
  const { m: M, k: K, n: N } = g;
  const R = cfg.rows;
  const Fn = ceil(N, cfg.cols);
  const ws = cfg.dataflow === 'ws';
  const Fm = ws ? 1 : ceil(M, R);
  const Fk = ws ? ceil(K, R) : 1;
  const folds = Fm * Fk * Fn;
  const phases = ws
    ? { load: Fn * K, fill: folds * (R - 1), stream: folds * M, drain: Fk * (N - Fn) }
    : { load: 0, fill: Fn * (M - Fm) + Fm * (N - Fn), stream: folds * K, drain: folds * (R - 1) };
  const cycles = phases.load + phases.fill + phases.stream + phases.drain;
  const macs = M * K * N;
  const partial = (Fk - 1) * M * N;
  const sramReads: SramReads = { ifmap: Fn * aReadsPerPass(layer), filter: Fm * K * N, psum: partial };
  const sramWrites: SramWrites = { psum: partial, ofmap: M * N };
  return {
    rows: cfg.rows,
    cols: cfg.cols,
    dataflow: cfg.dataflow,
    gemm: g,
    cycles,
    macs,
    utilisation: macs / (cfg.rows * cfg.cols * cycles),
    folds,
    foldGrid: { m: Fm, k: Fk, n: Fn },
    phases,
    sramReads,
    sramWrites,
    sramReadBytes: readBytes(sramReads),
    sramWriteBytes: writeBytes(sramWrites),
  };
}
