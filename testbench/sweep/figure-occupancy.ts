/**
 * docs/img/fifo-occupancy.svg: the skip FIFO's occupancy per cycle of one small basic block (8x8x16, 16
 * lanes, 2 frames) with an unbounded FIFO, at the full-throughput depth, at the deadlock-free depth and one
 * below, all found by sizeSkipFifo:
 *   node --import tsx testbench/sweep/figure-occupancy.ts [OUT.svg]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { Module } from '../../sim/module.ts';
import { renderSvg } from '../report/plot.ts';
import { parseScenarioConfig, type ScenarioConfig } from '../scenarios/config.ts';
import { runResidualBlock } from '../scenarios/run-block.ts';
import { sizeSkipFifo } from '../sizing/size-fifo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Occupancy at every rising edge of one run at `depth`. */
async function trace(config: ScenarioConfig, depth: number): Promise<{ occupancy: number[]; completed: boolean }> {
  const occupancy: number[] = [];
  const r = await runResidualBlock(config, {
    depth,
    setup: (b) => {
      const probe = new Module(b.top, 'occupancy_probe');
      probe.onRising(b.clk, () => occupancy.push(b.fifo.occupancy.value));
    },
  });
  return { occupancy, completed: r.completed };
}

export async function occupancyFigure(): Promise<{ spec: TopLevelSpec; summary: string }> {
  const config = parseScenarioConfig({ block: 'basic', height: 8, width: 8, channels: 16, simd: 16, pe: 16, frames: 2, mode: 'timing', debug: false });
  const f = (await sizeSkipFifo(config)).fifos[0]!;
  const runs: [string, number][] = [
    [`unbounded FIFO (high-water mark ${f.maxOccupancyUnbounded})`, Infinity],
    [`full-throughput depth ${f.fullThroughputDepth}`, f.fullThroughputDepth],
    [`deadlock-free depth ${f.deadlockFreeDepth}`, f.deadlockFreeDepth],
    [`depth ${f.deadlockFreeDepth - 1}: deadlock`, f.deadlockFreeDepth - 1],
  ];
  const values: { cycle: number; occupancy: number; run: string }[] = [];
  const ends: string[] = [];
  for (const [name, depth] of runs) {
    const t = await trace(config, depth);
    t.occupancy.forEach((occupancy, i) => values.push({ cycle: i + 1, occupancy, run: name }));
    ends.push(`${name}: ${t.completed ? `done after ${t.occupancy.length} cycles` : `stopped at cycle ${t.occupancy.length}`}`);
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Skip FIFO occupancy, basic block 8x8x16, 16 lanes, 2 frames', subtitle: ends },
    background: 'white',
    config: { legend: { labelLimit: 360 } },
    width: 620,
    height: 300,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'cycle', type: 'quantitative', title: 'clock cycle' },
      y: { field: 'occupancy', type: 'quantitative', title: 'skip FIFO occupancy (words)' },
      color: { field: 'run', type: 'nominal', title: 'run', sort: runs.map(([n]) => n), legend: { orient: 'bottom', direction: 'vertical' } },
    },
  } as TopLevelSpec;
  return { spec, summary: ends.join('\n') };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? path.join(root, 'docs/img/fifo-occupancy.svg');
  const { spec, summary } = await occupancyFigure();
  fs.writeFileSync(out, await renderSvg(spec));
  console.log(`${summary}\nwrote ${out}`);
}
