/**
 * `npm run bench:icarus`: skipsim against Icarus Verilog on the reference design, in paired rounds.
 * On a shared machine both engines' speeds drift by tens of per cent over minutes, so one number each
 * says little; each round times one `vvp -n` run and right after it skipsim (median of three runs) on the
 * same design and cycle count, and the ratio is taken per round. Both must print the same checksum.
 *
 *   npm run bench:icarus -- [--design pipe|resid] [--N 64] [--cycles 200000] [--rounds 5]
 *
 * Needs iverilog and vvp on the PATH (Debian: apt-get install iverilog).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HDL_DEFAULTS, type HdlParams } from '../hw/hdlref/designs.ts';
import { runHdlBench, type HdlDesign } from '../testbench/hdl/hdl-bench.ts';
import { compileIcarus, runIcarus } from '../testbench/hdl/icarus.ts';

/** A bad option: say which and what was expected, and stop (no stack trace). */
function bad(message: string): never {
  console.error(`bench:icarus: ${message}`);
  process.exit(2);
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) bad(`--${name}: expected a positive whole number, got ${text}`);
  return n;
}

function options() {
  try {
    return parseArgs({
      options: {
        design: { type: 'string', default: 'pipe' },
        N: { type: 'string', default: '64' },
        cycles: { type: 'string', default: '200000' },
        rounds: { type: 'string', default: '5' },
      },
    }).values;
  } catch (e) {
    bad((e as Error).message);
  }
}

const values = options();
const design = values.design as HdlDesign;
if (design !== 'pipe' && design !== 'resid') bad(`--design: expected pipe or resid, got ${values.design}`);
const params: HdlParams = { ...HDL_DEFAULTS, N: positive('N', values.N!) };
const cycles = positive('cycles', values.cycles!);
const rounds = positive('rounds', values.rounds!);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-versus-icarus-'));
try {
  const vvp = compileIcarus(path.join(dir, 'tb.vvp'), design, params);
  // Warm-up: V8 optimizes the processes during the first tens of thousands of cycles.
  await runHdlBench({ design, params, cycles: Math.min(cycles, 50_000) });
  console.log(`${design} N=${params.N}, ${fmt(cycles)} cycles, ${rounds} rounds — ${new Date().toISOString()}, ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}`);
  console.log('round  Icarus cycles/s  skipsim cycles/s  ratio');
  const ratios: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const iv = runIcarus(vvp, cycles);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runHdlBench({ design, params, cycles }));
    if (runs.some((x) => x.csum !== iv.csum)) throw new Error(`checksums differ: Icarus ${iv.csum}, skipsim ${runs.map((x) => x.csum).join(' ')}`);
    const ivRate = cycles / iv.seconds;
    const skRate = median(runs.map((x) => x.cyclesPerSecond));
    ratios.push(skRate / ivRate);
    console.log(`${String(r).padStart(5)}  ${fmt(ivRate).padStart(15)}  ${fmt(skRate).padStart(16)}  ${(skRate / ivRate).toFixed(1).padStart(5)}x`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`ratio: median ${median(ratios).toFixed(1)}x, range ${sorted[0]!.toFixed(1)}-${sorted.at(-1)!.toFixed(1)}x`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
