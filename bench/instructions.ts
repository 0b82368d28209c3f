/**
 * `npm run bench:instructions`: machine instructions and L1 data-cache misses per simulated cycle,
 * counted by Valgrind's cachegrind. On a shared VM wall-clock speed drifts by tens of per cent over
 * minutes; these counts repeat to within about 0.3 %, so they resolve kernel changes of a few per cent
 * that timing cannot. The design runs from one esbuild bundle (bench/instructions-entry.ts), twice, for
 * W and W + C cycles (W covers V8's warm-up), and the difference divided by C is reported: start-up and
 * compilation cancel out.
 *
 *   npm run bench:instructions -- [--design pipe|resid] [--N 64] [--cycles 40000] [--warmup 20000]
 *
 * Needs valgrind (Debian: apt-get install valgrind). Node runs with --single-threaded, so that V8
 * compiles on the measured thread and the counts do not depend on thread timing.
 */
import { execFile } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bad, designRunOptions } from './options.ts';

const SCRIPT = 'bench:instructions';
const { design, params, cycles, count: warmup } = designRunOptions(SCRIPT, { cycles: 40_000, countName: 'warmup', count: 20_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-instructions-'));
const entry = path.join(dir, 'entry.mjs');
await build({
  entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'instructions-entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: entry,
  logLevel: 'warning',
});

interface Counts {
  instructions: number;
  d1Misses: number;
}

/** Cachegrind's totals for one run of `cycles` cycles. */
async function count(runCycles: number): Promise<Counts> {
  const args = [
    '--tool=cachegrind',
    '--cache-sim=yes',
    '--cachegrind-out-file=/dev/null',
    '--smc-check=all-non-file', // V8 writes and rewrites machine code at run time
    process.execPath,
    '--single-threaded',
    entry,
    design,
    String(params.N),
    String(runCycles),
  ];
  let stderr: string;
  try {
    ({ stderr } = await promisify(execFile)('valgrind', args, { maxBuffer: 64 << 20 }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') bad(SCRIPT, 'valgrind is not on the PATH (Debian: apt-get install valgrind)');
    bad(SCRIPT, `valgrind failed: ${err.stderr?.trim().split('\n').slice(-3).join(' / ') ?? err.message}`);
  }
  const total = (label: string): number => {
    const m = new RegExp(`${label}:\\s+([\\d,]+)`).exec(stderr);
    if (!m) bad(SCRIPT, `no "${label}" line in cachegrind's summary`);
    return Number(m[1]!.replaceAll(',', ''));
  };
  return { instructions: total('I\\s+refs'), d1Misses: total('D1\\s+misses') };
}

console.log(`${design} N=${params.N}: ${cycles.toLocaleString('en-US')} cycles after ${warmup.toLocaleString('en-US')} of warm-up, node ${process.version}`);
const [short, long] = await Promise.all([count(warmup), count(warmup + cycles)]).finally(() =>
  fs.rmSync(dir, { recursive: true, force: true }),
);
const perCycle = (k: keyof Counts) => (long[k] - short[k]) / cycles;
console.log(`instructions per cycle: ${Math.round(perCycle('instructions')).toLocaleString('en-US')}`);
console.log(`L1 data-cache misses per cycle: ${Math.round(perCycle('d1Misses')).toLocaleString('en-US')}`);
