import path from 'node:path';
import type { Command } from 'commander';
import { progressBar } from '../../scenarios/cli-options.ts';
import { BLOCK_KINDS, type BlockKind } from '../../scenarios/config.ts';
import { SweepOptionError, sweepPoints, type SweepPoint } from '../../sweep/grid.ts';
import { choiceList, intList } from '../../sweep/list-options.ts';
import { runSweep, type SweepResult } from '../../sweep/run-sweep.ts';
import type { CliIo } from '../io.ts';
import { integer } from '../options.ts';

/** A run that long makes a sizing take tens of seconds here: beyond it, the formula alone. */
const DEFAULT_MAX_SIM_CYCLES = 2_000_000;

interface SweepOptions {
  block: BlockKind[];
  width: number[];
  channels: number[];
  simd: number[];
  pe: number[];
  bits: number;
  frames: number;
  analyticOnly?: boolean;
  maxSimCycles: number;
  workers?: number;
  out: string;
  json?: boolean;
}

/**
 * `skipsim sweep`: size the skip FIFO over block types, widths, channels and foldings; write a CSV, the
 * rows as JSON, and two plots (depth vs width, bits vs resolution). Files and columns: docs/fifo-sizing.md.
 */
export function registerSweep(program: Command, io: CliIo): void {
  program
    .command('sweep')
    .description('size the skip FIFO over block types, widths (square images), channels and foldings; write CSV + SVG plots')
    .option('--block <list>', `block types, comma-separated: ${BLOCK_KINDS.join(',')}`, choiceList(BLOCK_KINDS), [...BLOCK_KINDS])
    .option('--width <list>', 'input widths W, comma-separated (H = W)', intList(3), [8, 14, 28, 56, 112, 224])
    .option('--channels <list>', 'input channels C, comma-separated', intList(1), [64])
    .option('--simd <list>', 'input lanes of every conv, comma-separated', intList(1), [8])
    .option('--pe <list>', 'output lanes of every conv (channels per beat of the skip stream), comma-separated', intList(1), [8])
    .option('--bits <B>', 'activation bits (the FIFO word is PE x B bits)', integer(2, 32), 8)
    .option('--frames <N>', 'frames per simulation (2, as size-fifo: frames overlap in the pipeline)', integer(1), 2)
    .option('--analytic-only', 'size every point by the formula alone (no simulation)')
    .option('--max-sim-cycles <n>', 'points whose run is estimated above this many cycles are sized by the formula alone', integer(0), DEFAULT_MAX_SIM_CYCLES)
    .option('--workers <n>', 'worker threads per sizing (default: size-fifo\'s choice)', integer(0, 16))
    .option('--out <dir>', 'output folder for sweep-points.csv/.json and the sweep-*.svg plots', 'out/sweep')
    .option('--json', 'print the rows and file names as JSON (no progress bar)')
    .action(async (o: SweepOptions, cmd: Command) => {
      let points: SweepPoint[];
      try {
        points = sweepPoints({ blocks: o.block, widths: o.width, channels: o.channels, simd: o.simd, pe: o.pe, bits: o.bits, frames: o.frames, maxSimCycles: o.maxSimCycles, analyticOnly: Boolean(o.analyticOnly) });
      } catch (e) {
        if (e instanceof SweepOptionError) cmd.error(`error: ${e.message}`, { exitCode: 2 });
        throw e;
      }
      const formulaOnly = points.filter((p) => p.method === 'analytic');
      if (formulaOnly.length > 0 && !o.json) {
        const why = o.analyticOnly ? '--analytic-only' : `their runs are estimated above --max-sim-cycles ${o.maxSimCycles.toLocaleString('en-US')} cycles`;
        io.err(`${formulaOnly.length} of ${points.length} points sized by the formula alone (${why}); they are marked 'analytic' in the CSV`);
      }
      const bar = progressBar(io, !o.json, 'sweep');
      let result: SweepResult;
      try {
        result = await runSweep(points, path.resolve(o.out), { workers: o.workers, onProgress: (done, total, text) => bar.update(done, total, text) });
      } finally {
        bar.stop();
      }
      if (o.json) io.out(JSON.stringify({ rows: result.rows, files: result.files, seconds: result.seconds }, null, 2));
      else printTable(io, result);
    });
}

const n = (v: number | null): string => (v === null ? '-' : v.toLocaleString('en-US'));

function printTable(io: CliIo, r: SweepResult): void {
  const head = ['block', 'W', 'C', 'folding', 'method', 'deadlock-free', 'full-throughput', 'max occ. unbounded', 'analytic', 'bits', 'cheapest', 's'];
  const rows = r.rows.map((x) => [x.block, n(x.W), n(x.C), x.folding, x.method, n(x.deadlockFreeDepth), n(x.fullThroughputDepth), n(x.maxOccupancyUnbounded), n(x.analyticDepth), n(x.totalBits), x.cheapest, x.seconds.toFixed(1)]);
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  for (const row of all) io.out(row.map((c, i) => (i < 5 || i === 10 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
  io.out('');
  io.out(`${r.rows.length} points in ${r.seconds.toFixed(1)} s; depths in words of the skip stream, bits at the full-throughput depth (formula-only points: at the analytic depth)`);
  io.out(`wrote ${r.files.csv}, ${r.files.json}, ${r.files.depthPlot}, ${r.files.bitsPlot}`);
}
