/**
 * Icarus Verilog on the reference design (hw/hdlref/verilog): compile a parameter set, run it, read what
 * tb.v prints. Used by the cross-check test and by the speed comparison (bench/versus-icarus.ts).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HdlParams } from '../../hw/hdlref/designs.ts';
import type { HdlDesign } from './hdl-bench.ts';

const HDL_DIR = path.resolve(import.meta.dirname, '../../hw/hdlref/verilog');
const SOURCES = ['tb.v', 'stream_lib.v', 'pipe_top.v', 'resid_top.v'];

/** What tb.v prints, plus the wall time of `vvp -n` (process start included, as a user would time it). */
export interface IcarusResult {
  csum: string;
  rx: number;
  tx: number;
  maxOcc: number;
  seconds: number;
}

/** Compile `design` with `p` into `out` (a .vvp file). Throws if iverilog is missing or fails. */
export function compileIcarus(out: string, design: HdlDesign, p: HdlParams): string {
  const defs = Object.entries(p).map(([k, v]) => `-Ptb.${k}=${v}`);
  const src = SOURCES.map((f) => path.join(HDL_DIR, f));
  execFileSync('iverilog', ['-g2012', ...(design === 'resid' ? ['-DRESID'] : []), ...defs, '-o', out, ...src]);
  return out;
}

/** Run a compiled design for `cycles` counted cycles. */
export function runIcarus(vvp: string, cycles: number): IcarusResult {
  const t0 = performance.now();
  const line = execFileSync('vvp', ['-n', vvp, `+cycles=${cycles}`], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const m = /csum=([0-9a-f]{8}) rx=(\d+) tx=(\d+) max_occ=(\d+)/.exec(line);
  if (!m) throw new Error(`unexpected Icarus output (expected a RESULT line with csum, rx, tx, max_occ): ${line}`);
  return { csum: m[1]!, rx: Number(m[2]), tx: Number(m[3]), maxOcc: Number(m[4]), seconds };
}
