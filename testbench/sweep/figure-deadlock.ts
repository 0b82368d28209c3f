/**
 * The GTKWave screenshot of a skip-FIFO deadlock in docs/fifo-sizing.md (docs/img/fifo-deadlock.png):
 *   node --import tsx testbench/sweep/figure-deadlock.ts [OUT.png]
 * Runs the same case as `skipsim run --block basic --height 8 --width 8 --channels 16 --simd 16 --pe 16
 * --depth 18` (one word below the deadlock-free depth 19), then rewrites its .gtkw to show the whole run
 * (the FIFO filling up and sitting full) rather than the last few cycles, with the primary marker where
 * the last beat moved (the deadlock sets in) and marker A where the watchdog declares it, idle cycles later
 * (the end of the dump, so on the pane's right edge). Photographed with testbench/docs/gtkwave-shot.sh;
 * needs gtkwave, xvfb-run and ImageMagick.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '../../sim/simulator.ts';
import { writeGtkw } from '../../waves/gtkw-writer.ts';
import { WaveFiles } from '../../waves/wave-files.ts';
import { blockLayout } from '../scenarios/block-layout.ts';
import { parseScenarioConfig } from '../scenarios/config.ts';
import { defaultIdleCycles } from '../scenarios/residual-block.ts';
import { runResidualBlock } from '../scenarios/run-block.ts';
import { analyticDepth } from '../sizing/analytic.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function deadlockFigure(png: string): Promise<{ depth: number; cycle: number; onsetCycle: number; message: string }> {
  const config = parseScenarioConfig({ block: 'basic', height: 8, width: 8, channels: 16, simd: 16, pe: 16, mode: 'data' });
  const depth = analyticDepth(blockLayout(config)).depth - 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-deadlock-'));
  try {
    const vcd = path.join(dir, 'block.vcd');
    const waves = new WaveFiles({ vcd });
    let sim: Simulator | null = null;
    const r = await runResidualBlock(config, { depth, trace: waves, setup: (b) => (sim = b.sim) });
    const time = r.deadlock?.error.time;
    if (!r.deadlock || time === undefined || sim === null) throw new Error(`figure-deadlock: depth ${depth} did not deadlock`);
    const design = (sim as Simulator).design();
    const onset = time - defaultIdleCycles(config) * design.clockPeriods![0]!;
    // The whole run on screen (the dump ends at the watchdog's time).
    writeGtkw(design, { dumpfile: vcd, marker: onset, namedMarkers: [time], timeStart: 0, span: time, layout: waves.writer.declared ?? undefined });
    execFileSync(path.join(root, 'testbench/docs/gtkwave-shot.sh'), [path.join(dir, 'block.gtkw'), path.resolve(png), '1400x1300'], { stdio: 'inherit' });
    return { depth, cycle: r.deadlock.cycle, onsetCycle: r.deadlock.cycle - defaultIdleCycles(config), message: r.deadlock.message };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await deadlockFigure(process.argv[2] ?? path.join(root, 'docs/img/fifo-deadlock.png'));
  console.log(`depth ${r.depth}: last progress at cycle ${r.onsetCycle}, watchdog at cycle ${r.cycle}\n${r.message}`);
}
