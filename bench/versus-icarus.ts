/**
 * `npm run bench:icarus`: skipsim against Icarus Verilog on the reference design. On this shared VM both
 * engines' speeds drift by tens of per cent within seconds, and running them at the same time slows
 * both (they share the host's cores). So each round alternates them in an A-B-B-A pattern of runs of
 * about a second each (Icarus for C cycles, skipsim for 10 C cycles twice, Icarus for C cycles), which
 * cancels drift that is linear over the round, and takes the ratio of the two rates per round. Before
 * the rounds, skipsim and Icarus must print the same checksum for C cycles.
 *
 *   npm run bench:icarus -- [--design pipe|resid] [--N 64] [--cycles 20000] [--rounds 9]
 *
 * Needs iverilog and vvp on the PATH (Debian: apt-get install iverilog).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runHdlBench } from '../testbench/hdl/hdl-bench.ts';
import { compileIcarus, runIcarus } from '../testbench/hdl/icarus.ts';
import { designRunOptions } from './options.ts';

const { design, params, cycles, count: rounds } = designRunOptions('bench:icarus', { cycles: 20_000, countName: 'rounds', count: 9 });

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** skipsim's cycles per second over `n` runs of `runCycles` cycles (construction included). */
async function skipsimRate(n: number, runCycles: number): Promise<number> {
  let seconds = 0;
  for (let i = 0; i < n; i++) seconds += runCycles / (await runHdlBench({ design, params, cycles: runCycles })).cyclesPerSecond;
  return (n * runCycles) / seconds;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-versus-icarus-'));
try {
  const vvp = compileIcarus(path.join(dir, 'tb.vvp'), design, params);
  const check = await runHdlBench({ design, params, cycles });
  const reference = runIcarus(vvp, cycles);
  if (check.csum !== reference.csum) throw new Error(`checksums differ: Icarus ${reference.csum}, skipsim ${check.csum}`);
  await skipsimRate(3, 10 * cycles); // warm-up: V8 optimizes the processes in the first runs
  console.log(`${design} N=${params.N}, Icarus ${fmt(cycles)} / skipsim ${fmt(10 * cycles)} cycles per run, ${rounds} rounds, checksum ${check.csum} — ${new Date().toISOString()}, ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}`);
  console.log('round  Icarus cycles/s  skipsim cycles/s  ratio');
  const ratios: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const first = runIcarus(vvp, cycles).seconds;
    const skRate = await skipsimRate(2, 10 * cycles);
    const ivRate = (2 * cycles) / (first + runIcarus(vvp, cycles).seconds);
    ratios.push(skRate / ivRate);
    console.log(`${String(r).padStart(5)}  ${fmt(ivRate).padStart(15)}  ${fmt(skRate).padStart(16)}  ${(skRate / ivRate).toFixed(1).padStart(5)}x`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`ratio: median ${median(ratios).toFixed(1)}x, range ${sorted[0]!.toFixed(1)}-${sorted.at(-1)!.toFixed(1)}x`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
