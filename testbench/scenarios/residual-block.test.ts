import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockLayout } from './block-layout.ts';
import { BLOCK_KINDS, CONV_NAMES, ConfigError, parseScenarioConfig, type BlockKind, type ScenarioConfig } from './config.ts';
import type { ResidualBench } from './residual-block.ts';
import { runResidualBlock } from './run-block.ts';

const lanes = fc.constantFrom(1, 2, 4, 8);

/** Random small blocks: shapes, channels, per-conv folding (with and without width converters), rates. */
const scenarioArb = (block: BlockKind) =>
  fc
    .record({
      height: fc.integer({ min: 1, max: 7 }),
      width: fc.integer({ min: 1, max: 7 }),
      channels: fc.constantFrom(2, 3, 4, 6, 8, 16),
      midChannels: fc.integer({ min: 1, max: 10 }),
      outChannels: fc.constantFrom(4, 8, 12),
      folding: fc.array(fc.record({ simd: lanes, pe: lanes }), { minLength: 3, maxLength: 3 }),
      uniform: fc.boolean(),
      frames: fc.integer({ min: 1, max: 2 }),
      source: fc.oneof(
        fc.constant('free' as const),
        fc.record({ validProbability: fc.double({ min: 0.3, max: 1, noNaN: true }), seed: fc.nat() }),
        fc.integer({ min: 1, max: 4 }).chain((every) => fc.record({ beats: fc.integer({ min: 1, max: every }), every: fc.constant(every) })),
      ),
      readyProbability: fc.double({ min: 0.3, max: 1, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map((r) => {
      const names = CONV_NAMES[block];
      const convs = Object.fromEntries(names.map((n, i) => [n, r.uniform ? r.folding[0]! : r.folding[i]!]));
      if (block === 'downsample') delete convs.proj; // defaults: conv1.simd in, conv2.pe out
      const raw: Record<string, unknown> = {
        block,
        height: r.height,
        width: r.width,
        channels: r.channels,
        convs,
        frames: r.frames,
        source: r.source,
        backpressure: { readyProbability: r.readyProbability, seed: r.seed + 1 },
        seed: r.seed,
      };
      if (block === 'bottleneck') raw.midChannels = r.midChannels;
      if (block === 'downsample') raw.outChannels = r.outChannels;
      return raw;
    });

/** The config if the folding is one the converters can regroup, else null (the case is skipped). */
function valid(raw: Record<string, unknown>): ScenarioConfig | null {
  try {
    const c = parseScenarioConfig(raw);
    blockLayout(c);
    return c;
  } catch (e) {
    if (e instanceof ConfigError) return null;
    throw e;
  }
}

async function runCapturing(c: ScenarioConfig) {
  let bench: ResidualBench | null = null;
  const r = await runResidualBlock(c, { setup: (b) => (bench = b) });
  return { r, bench: bench! as ResidualBench };
}

describe('residual blocks are bit-exact against testbench/ref residualBlockRef (data mode, random backpressure)', () => {
  for (const block of BLOCK_KINDS) {
    it(`${block}: random shapes, foldings, rates and seeds; tags pair every addition; timing mode takes the same cycles`, async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb(block), async (raw) => {
          const c = valid(raw);
          fc.pre(c !== null);
          const what = `config ${JSON.stringify(raw)}`;
          const { r, bench } = await runCapturing(c!);
          expect(r.deadlock?.message ?? null, what).toBeNull();
          expect(r.completed, what).toBe(true);
          expect(r.mismatch, what).toBeNull();
          expect(r.violations, what).toEqual([]);
          // Every output beat was one tag-checked join (debug mode: a pixel mismatch would have failed the run).
          expect(bench.adder.beats, what).toBe(r.expectedBeats);
          expect(bench.sink.beats.every((b) => b.tag !== null), what).toBe(true);
          // Timing mode: no lanes, no arithmetic, the same handshakes on every edge.
          const t = await runCapturing({ ...c!, mode: 'timing' });
          expect(t.r.cycles, what).toBe(r.cycles);
          expect(t.bench.sink.cyclesOf, what).toEqual(bench.sink.cyclesOf);
          expect(t.r.fifo.highWater, what).toBe(r.fifo.highWater);
          const quiet = await runCapturing({ ...c!, mode: 'timing', debug: false });
          expect(quiet.r.cycles, what).toBe(r.cycles);
        }),
        { numRuns: 30, verbose: true },
      );
    }, 120_000);
  }

  it('the bottleneck at ResNet-50 stage-1 channel ratios (C = 4M) with a throttled source, several frames', async () => {
    const c = parseScenarioConfig({
      block: 'bottleneck',
      height: 5,
      width: 6,
      channels: 16,
      midChannels: 4,
      frames: 3,
      convs: { conv1: { simd: 2, pe: 4 }, conv2: { simd: 4, pe: 2 }, conv3: { simd: 4, pe: 2 } },
      source: { beats: 2, every: 3 },
      backpressure: 0.6,
      seed: 'stage1',
    });
    const r = await runResidualBlock(c);
    expect(r.completed && r.mismatch === null && r.violations.length === 0).toBe(true);
  });

  it('a bounded FIFO at least as deep as the unbounded high-water mark + 1 gives the same run', async () => {
    const c = parseScenarioConfig({ block: 'basic', height: 6, width: 5, channels: 8, simd: 4, pe: 4, frames: 2, backpressure: 0.8, seed: 5 });
    const u = await runResidualBlock(c);
    const b = await runResidualBlock(c, { depth: u.fifo.highWater + 1 });
    expect(b.cycles).toBe(u.cycles);
    expect(b.mismatch).toBeNull();
  });
});
