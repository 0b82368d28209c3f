import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, SimError } from '../../../sim/errors.ts';
import { WaveFiles } from '../../../waves/wave-files.ts';
import { blockLayout } from '../../scenarios/block-layout.ts';
import { addRunOptions, addScenarioOptions, progressBar, scenarioFromCli } from '../../scenarios/cli-options.ts';
import { ConfigError, configToJson, type ScenarioConfig } from '../../scenarios/config.ts';
import { runResidualBlock, type BlockRunResult } from '../../scenarios/run-block.ts';
import { analyticDepth } from '../../sizing/analytic.ts';
import type { CliIo } from '../io.ts';

/**
 * `skipsim run`: simulate one residual-block configuration (data mode by default, checked bit-exact
 * against testbench/ref), print a report, and write the VCD and .gtkw view. A deadlock prints the chain of
 * waits, is marked in the VCD (the watchdog's `deadlock` signal; the .gtkw opens on it) and exits 1.
 */
export function registerRun(program: Command, io: CliIo): void {
  const cmd = program.command('run').description('simulate one residual block (bit-exact check in data mode) and write its VCD and .gtkw view');
  addRunOptions(addScenarioOptions(cmd))
    .option('--vcd <file>', 'write the waves to this VCD (and a .gtkw view beside it)')
    .option('--out <dir>', 'write report.json (and block.vcd + block.gtkw unless --vcd is given) into this folder')
    .option('--json', 'print the report as JSON')
    .action(async (file: string | undefined, o: Record<string, unknown>, command: Command) => {
      let config: ScenarioConfig;
      try {
        config = scenarioFromCli(file, o, { frames: 1, mode: 'data' });
      } catch (e) {
        if (e instanceof ConfigError) command.error(`error: ${e.message}`, { exitCode: 2 });
        throw e;
      }
      const dir = o.out ? path.resolve(o.out as string) : null;
      if (dir) fs.mkdirSync(dir, { recursive: true });
      const vcd = o.vcd ? path.resolve(o.vcd as string) : dir ? path.join(dir, 'block.vcd') : null;
      if (vcd) fs.mkdirSync(path.dirname(vcd), { recursive: true });
      const waves = vcd ? new WaveFiles({ vcd }) : undefined;
      const bar = progressBar(io, !o.json, 'run');
      let r: BlockRunResult;
      try {
        r = await runResidualBlock(config, { trace: waves, onProgress: (done, total, cycle) => bar.update(done, total, `beats, cycle ${cycle}`) });
      } finally {
        bar.stop();
      }
      const analytic = analyticDepth(blockLayout(config));
      const report = {
        config: configToJson(config),
        completed: r.completed,
        cycles: r.cycles,
        outputBeats: r.outputBeats,
        expectedBeats: r.expectedBeats,
        bitExact: config.mode === 'data' && r.completed ? r.mismatch === null : null,
        mismatch: r.mismatch,
        fifo: r.fifo,
        analyticDeadlockFreeDepth: analytic.depth,
        fork: r.fork,
        adder: r.adder,
        convs: r.convs,
        deadlock: r.deadlock ? { cycle: r.deadlock.cycle, time: r.deadlock.error.time, chain: r.deadlock.chain, culprit: r.deadlock.culprit, message: r.deadlock.message } : null,
        waves: vcd ? { vcd, gtkw: waves?.gtkwPath ?? null } : null,
        seconds: r.seconds,
      };
      if (dir) fs.writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      if (o.json) io.out(JSON.stringify(report, null, 2));
      else printReport(io, config, r, analytic.depth, report.waves);
      if (dir) io.err(`wrote ${path.join(dir, 'report.json')}`);
      if (r.deadlock) {
        const at = r.deadlock.error.time === undefined ? '' : ` (marked in the VCD at ${r.deadlock.error.time} ns by top.watchdog.deadlock; the .gtkw view opens there)`;
        throw new SimError({ code: ErrorCodes.DEADLOCK, message: `${r.deadlock.message}${vcd ? at : ''}` });
      }
      if (r.mismatch) throw new SimError({ code: ErrorCodes.CHECK_FAILED, message: r.mismatch });
      if (!r.completed) throw new SimError({ code: ErrorCodes.CHECK_FAILED, message: `the block delivered ${r.outputBeats} of ${r.expectedBeats} output beats within the cycle limit` });
    });
}

const n = (v: number): string => v.toLocaleString('en-US');

function printReport(io: CliIo, c: ScenarioConfig, r: BlockRunResult, analytic: number, waves: { vcd: string; gtkw: string | null } | null): void {
  const depth = r.depth === Infinity ? 'unbounded' : n(r.depth);
  io.out(`${c.block} block ${c.height}x${c.width}x${c.channels} -> ${c.outChannels}, ${c.frames} frame(s), ${c.mode} mode${c.debug ? ' with tags and protocol checkers' : ''}, skip FIFO depth ${depth}`);
  if (r.deadlock) io.out(`DEADLOCK after ${n(r.deadlock.cycle)} cycles with ${n(r.outputBeats)} of ${n(r.expectedBeats)} output beats delivered`);
  else if (r.completed) io.out(`completed: ${n(r.outputBeats)} output beats in ${n(r.cycles)} cycles${c.mode === 'data' ? (r.mismatch ? ' - MISMATCH against the reference' : ', bit-exact against the reference') : ''}`);
  const rows: [string, string][] = [
    ['skip FIFO high-water mark', `${n(r.fifo.highWater)} (analytic deadlock-free depth ${n(analytic)})`],
    ['fork stalls (main / skip)', `${n(r.fork.mainStallCycles)} / ${n(r.fork.skipStallCycles)} cycles`],
    ['adder waiting for main / skip', `${n(r.adder.waitingForMain)} / ${n(r.adder.waitingForSkip)} cycles`],
    ['adder ops / bytes', `${n(r.adder.ops)} / ${n(r.adder.bytes)} (${r.adder.arithmeticIntensity.toFixed(3)} op/byte)`],
  ];
  for (const [name, cv] of Object.entries(r.convs)) rows.push([`${name} utilisation`, `${(100 * cv.utilisation).toFixed(1)} % (${n(cv.inputStallCycles)} cycles waiting for input, ${n(cv.outputStallCycles)} for output)`]);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.out(`  ${k.padEnd(w)}  ${v}`);
  if (waves) io.out(`waves: ${waves.vcd}${waves.gtkw ? ` (view: gtkwave ${waves.gtkw})` : ''}`);
}
