import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { WaveFiles } from '../../../waves/wave-files.ts';
import { blockLayout } from '../../scenarios/block-layout.ts';
import { makeBlockData } from '../../scenarios/block-params.ts';
import { progressBar } from '../../scenarios/cli-options.ts';
import { ConfigError, configToJson, parseScenarioConfig, type ScenarioConfig } from '../../scenarios/config.ts';
import { runResidualBlock, type BlockRunResult } from '../../scenarios/run-block.ts';
import { formatSizingReport } from '../../sizing/format.ts';
import { sizeSkipFifo, type SizingReport } from '../../sizing/size-fifo.ts';
import { asOptionMessage } from '../../sweep/option-of.ts';
import type { CliIo } from '../io.ts';
import { integer, oneOf } from '../options.ts';

/**
 * `npm start` / `skipsim start`: the main job of issue 4 in one command. A basic residual block (default
 * 56x56x64) has its skip FIFO sized, then is simulated at the deadlock-free depth (it completes) and one
 * word below (it deadlocks, and the chain of waits is printed); both runs leave a VCD and a .gtkw view.
 *
 * Defaults: SIMD = PE = 32 on both convs (36 cycles per pixel per conv), so sizing and both runs take a few
 * seconds; 2 frames, as `skipsim size-fifo` sizes. Timing mode by default: the bit-exact reference model of a
 * 56x56x64 block alone takes about 40 s here; `--mode data` checks the outputs bit-exactly (use it with a
 * smaller --width). Timing mode still runs beat tags (every sum pairs one pixel) and protocol checkers.
 */

export interface StartOptions {
  out: string;
  width: number;
  height?: number;
  channels: number;
  simd: number;
  pe: number;
  frames: number;
  mode: 'timing' | 'data';
}

/** One of the two runs: its depth, the outcome, and its wave files. */
export interface StartRun {
  depth: number;
  completed: boolean;
  cycles: number;
  /** Data mode: the outputs equal the reference bit for bit; null in timing mode. */
  bitExact: boolean | null;
  /** Beat tags and protocol checkers found nothing wrong. */
  checksPassed: boolean;
  deadlock: { cycle: number; time: number | undefined; message: string } | null;
  vcd: string;
  gtkw: string | null;
}

export interface StartResult {
  config: Record<string, unknown>;
  sizing: SizingReport;
  sized: StartRun;
  belowSized: StartRun;
  files: Record<string, string>;
  seconds: number;
}

const DEFAULTS = { out: 'out/start', width: 56, channels: 64, simd: 32, pe: 32, frames: 2, mode: 'timing' } as const;

export function registerStart(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('the default job: size the skip FIFO of a basic block (56x56x64), simulate it at that depth and one below (deadlock), write VCD + .gtkw views and the sizing report')
    .option('--out <dir>', 'output folder', DEFAULTS.out)
    .option('--width <W>', 'input width (pixels per row)', integer(3), DEFAULTS.width)
    .option('--height <H>', 'input height (default: = width)', integer(3))
    .option('--channels <C>', 'channels (input = output: identity skip)', integer(1), DEFAULTS.channels)
    .option('--simd <S>', 'input lanes of both convs', integer(1), DEFAULTS.simd)
    .option('--pe <P>', 'output lanes of both convs (= channels per beat of the skip stream)', integer(1), DEFAULTS.pe)
    .option('--frames <N>', 'frames streamed back to back', integer(1), DEFAULTS.frames)
    .option('--mode <m>', 'timing (tags + protocol checks) | data (also bit-exact against the reference; slow above ~16x16x32)', oneOf(['timing', 'data'] as const), DEFAULTS.mode)
    .action(async (o: StartOptions, cmd: Command) => {
      let config: ScenarioConfig;
      try {
        config = parseScenarioConfig({ block: 'basic', height: o.height ?? o.width, width: o.width, channels: o.channels, simd: o.simd, pe: o.pe, frames: o.frames, mode: o.mode, debug: true });
        blockLayout(config);
      } catch (e) {
        if (e instanceof ConfigError) cmd.error(`error: ${asOptionMessage(e.field, e.message)}`, { exitCode: 2 });
        throw e;
      }
      const result = await runStartJob(config, path.resolve(o.out), io);
      for (const line of summary(result, config)) io.out(line);
      if (!result.sized.completed || !result.sized.checksPassed || result.sized.bitExact === false) {
        throw new Error(`start: the run at the sized depth ${result.sized.depth} did not complete cleanly (see ${result.files.report})`);
      }
      if (!result.belowSized.deadlock) throw new Error(`start: the run one below the sized depth (${result.belowSized.depth}) did not deadlock (see ${result.files.report})`);
    });
}

/** Size, run at the deadlock-free depth and one below, write every file into `dir`. */
export async function runStartJob(config: ScenarioConfig, dir: string, io: CliIo): Promise<StartResult> {
  const t0 = performance.now();
  fs.mkdirSync(dir, { recursive: true });
  const bar = progressBar(io, true, 'sizing');
  let sizing: SizingReport;
  try {
    sizing = await sizeSkipFifo(config, { onProbe: ({ finished, phase }) => bar.update(finished, finished + 1, phase) });
  } finally {
    bar.stop();
  }
  const depth = sizing.fifos[0]!.deadlockFreeDepth;
  // One stimulus for both runs: in data mode the reference output is the slow part.
  const data = config.mode === 'data' ? makeBlockData(blockLayout(config)) : undefined;
  const run = async (d: number, name: string): Promise<StartRun> => {
    const vcd = path.join(dir, `${name}.vcd`);
    const waves = new WaveFiles({ vcd });
    const r = await runResidualBlock(config, { depth: d, trace: waves, data });
    return toRun(r, config, vcd, waves.gtkwPath);
  };
  const sized = await run(depth, 'sized');
  const belowSized = await run(depth - 1, 'deadlock');
  const files = {
    report: path.join(dir, 'sizing.json'),
    table: path.join(dir, 'sizing.txt'),
    scenario: path.join(dir, 'scenario.yaml'),
    sizedVcd: sized.vcd,
    sizedGtkw: sized.gtkw ?? '',
    deadlockVcd: belowSized.vcd,
    deadlockGtkw: belowSized.gtkw ?? '',
  };
  const result: StartResult = { config: configToJson(config), sizing, sized, belowSized, files, seconds: 0 };
  result.seconds = (performance.now() - t0) / 1000;
  fs.writeFileSync(files.report, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(files.table, `${[...formatSizingReport(sizing), '', ...runLines(result, config)].join('\n')}\n`);
  // The scenario as a config file: `skipsim run out/start/scenario.yaml --depth N` reruns either case.
  fs.writeFileSync(files.scenario, toYaml({ ...configToJson(config), fifoDepth: depth }));
  return result;
}

function toRun(r: BlockRunResult, c: ScenarioConfig, vcd: string, gtkw: string | null): StartRun {
  return {
    depth: r.depth,
    completed: r.completed,
    cycles: r.cycles,
    bitExact: c.mode === 'data' && r.completed ? r.mismatch === null : null,
    checksPassed: r.violations.length === 0 && r.mismatch === null,
    deadlock: r.deadlock ? { cycle: r.deadlock.cycle, time: r.deadlock.error.time, message: r.deadlock.message } : null,
    vcd,
    gtkw,
  };
}

const n = (v: number): string => v.toLocaleString('en-US');

function runLines(r: StartResult, c: ScenarioConfig): string[] {
  const f = r.sizing.fifos[0]!;
  const s = r.sized;
  const b = r.belowSized;
  const check = c.mode === 'data' ? (s.bitExact ? 'bit-exact against the reference' : 'MISMATCH against the reference') : s.checksPassed ? 'tags and protocol checks pass' : 'CHECK FAILED';
  const lines = [
    `run at depth ${n(s.depth)} (deadlock-free): ${s.completed ? `completed in ${n(s.cycles)} cycles (unbounded FIFO: ${n(f.cycles.unbounded)}; full throughput from depth ${n(f.fullThroughputDepth)}), ${check}` : 'DID NOT COMPLETE'}`,
    `run at depth ${n(b.depth)} (one below): ${b.deadlock ? b.deadlock.message : b.completed ? `completed in ${n(b.cycles)} cycles (expected a deadlock)` : 'did not complete'}`,
  ];
  return lines;
}

function summary(r: StartResult, c: ScenarioConfig): string[] {
  const f = r.sizing.fifos[0]!;
  const m = f.memory;
  const mode = c.mode === 'data' ? 'data mode (int8, checked bit-exact against the reference)' : 'timing mode (beat tags + protocol checkers; no arithmetic)';
  return [
    `skipsim start: basic block ${c.height}x${c.width}x${c.channels}, SIMD ${c.convs.conv1!.simd} / PE ${c.convs.conv1!.pe} on both convs, ${c.frames} frame(s), ${mode}`,
    `skip FIFO sizing (${r.sizing.simulations.length} timing-mode simulations, ${r.sizing.seconds.toFixed(1)} s), depths in ${f.wordBits}-bit words:`,
    `  deadlock-free ${n(f.deadlockFreeDepth)}, full-throughput ${n(f.fullThroughputDepth)}, max occupancy unbounded (FINN/hls4ml) ${n(f.maxOccupancyUnbounded)}`,
    `  analytic ${f.formula}`,
    `  memory at full throughput: ${n(m.bits)} bits (${n(m.bytes)} bytes), cheapest ${m.cheapest.primitive} (${n(m.cheapest.count)} ${m.cheapest.unit}); BRAM18 ${m.bram18}, BRAM36 ${m.bram36}, URAM ${m.uram}`,
    ...runLines(r, c),
    `files: sizing.json, sizing.txt, scenario.yaml, sized.vcd + sized.gtkw, deadlock.vcd + deadlock.gtkw (opens on the deadlock marker)`,
    `open the deadlock: gtkwave ${r.files.deadlockGtkw}`,
    `done in ${r.seconds.toFixed(1)} s; output folder: ${path.dirname(r.files.report)}`,
  ];
}
