import { describe, expect, it } from 'vitest';
import { parseScenarioConfig, type BlockKind } from '../scenarios/config.ts';
import { memoryCost } from './memory-cost.ts';
import { runProbe } from './probe.ts';
import { sizeSkipFifo } from './size-fifo.ts';

const CASES: { block: BlockKind; raw: object }[] = [
  { block: 'basic', raw: { height: 6, width: 7, channels: 8, simd: 4, pe: 4 } },
  { block: 'basic', raw: { height: 5, width: 6, channels: 8, convs: { conv1: { simd: 8, pe: 4 }, conv2: { simd: 4, pe: 4 } }, source: { beats: 1, every: 2 } } },
  { block: 'bottleneck', raw: { height: 6, width: 5, channels: 16, midChannels: 4, convs: { conv1: { simd: 2, pe: 4 }, conv2: { simd: 4, pe: 4 }, conv3: { simd: 4, pe: 2 } } } },
  { block: 'downsample', raw: { height: 8, width: 6, channels: 8, simd: 4, pe: 4, backpressure: { readyProbability: 0.7, seed: 3 } } },
];

describe('sizeSkipFifo: every reported depth is checked by independent simulations', () => {
  for (const { block, raw } of CASES) {
    it(`${block} ${JSON.stringify(raw)}`, async () => {
      const config = parseScenarioConfig({ block, ...raw }, { frames: 2, mode: 'timing' });
      const report = await sizeSkipFifo(config, { workers: 0 });
      const f = report.fifos[0]!;
      expect(f.name).toBe('skip_fifo');
      const run = (depth: number) => runProbe({ config, depth });
      const unb = await run(Infinity);
      // maxOccupancyUnbounded is the unbounded run's high-water mark; from sameAsUnboundedFromDepth on the run is identical.
      expect(f.maxOccupancyUnbounded).toBe(unb.highWater);
      expect(f.cycles.unbounded).toBe(unb.cycles);
      expect(f.sameAsUnboundedFromDepth).toBeLessThanOrEqual(unb.highWater + 1);
      expect((await run(f.sameAsUnboundedFromDepth)).cycles).toBe(unb.cycles);
      // deadlockFreeDepth: completes there, deadlocks one below; the formula agrees.
      expect((await run(f.deadlockFreeDepth)).completed).toBe(true);
      if (f.deadlockFreeDepth > 1) expect((await run(f.deadlockFreeDepth - 1)).deadlocked).toBe(true);
      expect(f.analyticDepth).toBe(f.deadlockFreeDepth);
      expect(f.analyticMatches).toBe(true);
      // fullThroughputDepth: the unbounded cycle count there, more one below.
      expect(f.fullThroughputDepth).toBeGreaterThanOrEqual(f.deadlockFreeDepth);
      expect(f.fullThroughputDepth).toBeLessThanOrEqual(f.sameAsUnboundedFromDepth);
      expect((await run(f.fullThroughputDepth)).cycles).toBe(unb.cycles);
      if (f.fullThroughputDepth > f.deadlockFreeDepth) expect((await run(f.fullThroughputDepth - 1)).cycles).toBeGreaterThan(unb.cycles);
      expect(f.cycles.atDeadlockFreeDepth).toBe((await run(f.deadlockFreeDepth)).cycles);
      // Memory of the full-throughput FIFO.
      expect(f.wordBits).toBe(8 * (block === 'bottleneck' ? 2 : 4));
      expect(f.totalBits).toBe(f.wordBits * f.fullThroughputDepth);
      expect(f.memory).toEqual(memoryCost(f.wordBits, f.fullThroughputDepth));
      expect(report.simulations.length).toBeGreaterThanOrEqual(2);
    }, 60_000);
  }

  it('worker threads give the same report as this thread', async () => {
    const config = parseScenarioConfig({ block: 'basic', height: 5, width: 6, channels: 8, simd: 4, pe: 4, frames: 2, mode: 'timing' });
    const here = await sizeSkipFifo(config, { workers: 0 });
    const there = await sizeSkipFifo(config, { workers: 2 });
    expect(there.lanes).toBe(2);
    const strip = (r: typeof here) => ({ ...r.fifos[0]! });
    expect(strip(there)).toEqual(strip(here));
  }, 60_000);

  it('a probe stops at its cycle bound and reports that it did not finish (never hangs)', async () => {
    const config = parseScenarioConfig({ block: 'basic', height: 3, width: 3, channels: 2, simd: 2, pe: 2, frames: 1, mode: 'timing' });
    const r = await runProbe({ config, depth: Infinity, maxCycles: 10 });
    expect(r.completed).toBe(false);
    expect(r.deadlocked).toBe(false);
  });
});
