import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockLayout } from '../scenarios/block-layout.ts';
import { BLOCK_KINDS, CONV_NAMES, ConfigError, parseScenarioConfig, type BlockKind, type ScenarioConfig } from '../scenarios/config.ts';
import { runProbe } from './probe.ts';
import { analyticDepth } from './analytic.ts';

/** Folding variants: identity skip, split and pack skip converters, converters on the main path. */
const FOLDINGS: Record<BlockKind, { name: string; convs: object }[]> = {
  basic: [
    { name: 'simd=pe=4', convs: { conv1: { simd: 4, pe: 4 }, conv2: { simd: 4, pe: 4 } } },
    { name: 'split skip 8->4', convs: { conv1: { simd: 8, pe: 8 }, conv2: { simd: 8, pe: 4 } } },
    { name: 'pack skip 2->8, main 4->2', convs: { conv1: { simd: 2, pe: 4 }, conv2: { simd: 2, pe: 8 } } },
    { name: 'simd=pe=1', convs: { conv1: { simd: 1, pe: 2 }, conv2: { simd: 2, pe: 1 } } },
  ],
  bottleneck: [
    { name: 'simd=pe=4', convs: { conv1: { simd: 4, pe: 4 }, conv2: { simd: 4, pe: 4 }, conv3: { simd: 4, pe: 4 } } },
    { name: 'stage-1 style, skip pe 2', convs: { conv1: { simd: 2, pe: 4 }, conv2: { simd: 4, pe: 4 }, conv3: { simd: 4, pe: 2 } } },
    { name: 'split skip 8->2', convs: { conv1: { simd: 8, pe: 4 }, conv2: { simd: 4, pe: 4 }, conv3: { simd: 4, pe: 2 } } },
    { name: 'pack skip 2->8', convs: { conv1: { simd: 2, pe: 4 }, conv2: { simd: 4, pe: 4 }, conv3: { simd: 4, pe: 8 } } },
  ],
  downsample: [
    { name: 'simd=pe=4', convs: { conv1: { simd: 4, pe: 4 }, conv2: { simd: 4, pe: 4 } } },
    { name: 'proj 8->2', convs: { conv1: { simd: 8, pe: 4 }, conv2: { simd: 4, pe: 2 } } },
    { name: 'proj 2->8', convs: { conv1: { simd: 2, pe: 8 }, conv2: { simd: 8, pe: 8 } } },
  ],
};
const SIZES: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 1],
  [4, 4],
  [5, 8],
  [7, 6],
  [6, 16],
  [4, 32],
];

function cfg(block: BlockKind, h: number, w: number, convs: object, extra: object = {}): ScenarioConfig {
  const out = block === 'downsample' ? { outChannels: 16 } : {};
  return parseScenarioConfig({ block, height: h, width: w, channels: 8, midChannels: 8, ...out, convs, frames: 2, mode: 'timing', ...extra });
}

/** The simulation agrees with the formula: depth d completes every frame and depth d - 1 deadlocks. */
async function agrees(c: ScenarioConfig, d: number, what: string): Promise<void> {
  const at = await runProbe({ config: c, depth: d });
  expect(at.completed, `${what}: depth ${d} should complete`).toBe(true);
  if (d > 1) {
    const below = await runProbe({ config: c, depth: d - 1 });
    expect(below.deadlocked, `${what}: depth ${d - 1} should deadlock`).toBe(true);
  }
}

describe('analytic deadlock-free depth = simulated deadlock-free depth (d completes, d-1 deadlocks)', () => {
  for (const block of ['basic', 'bottleneck', 'downsample'] as const) {
    it(`${block}: grid of H x W and foldings`, async () => {
      for (const [h, w] of SIZES) {
        for (const f of FOLDINGS[block]) {
          const c = cfg(block, h, w, f.convs);
          const a = analyticDepth(blockLayout(c));
          await agrees(c, a.depth, `${block} ${h}x${w} ${f.name}`);
          // In the image interior the closed form is the exact depth.
          if (h >= 4 && w >= 4) expect(a.interiorDepth, `${block} ${h}x${w} ${f.name}: ${a.formula}`).toBe(a.depth);
        }
      }
    }, 120_000);
  }

  it('the closed forms at W = 56 and W = 224 (ResNet stage widths)', () => {
    const basic = analyticDepth(blockLayout(cfg('basic', 8, 56, { conv1: { simd: 8, pe: 8 }, conv2: { simd: 8, pe: 8 } }, { channels: 64, midChannels: 64 })));
    expect(basic.depth).toBe((2 * 56 + 3) * 8);
    expect(basic.formula).toContain('(2W+3)*NS = (2*56+3)*8 = 920');
    const bottleneck = analyticDepth(blockLayout(cfg('bottleneck', 8, 56, { conv1: { simd: 2, pe: 64 }, conv2: { simd: 64, pe: 8 }, conv3: { simd: 64, pe: 2 } }, { channels: 256, midChannels: 64 })));
    expect(bottleneck.depth).toBe((56 + 2) * 128);
    expect(bottleneck.explanation).toContain('(y+1,x+1)');
    const down = analyticDepth(blockLayout(cfg('downsample', 8, 224, { conv1: { simd: 8, pe: 8 }, conv2: { simd: 8, pe: 8 } }, { channels: 64, midChannels: 128, outChannels: 128 })));
    expect(down.depth).toBe((112 + 1) * 16 - 2);
    expect(down.skipPathExtra.map((e) => e.component)).toContain('projection line buffer');
  });

  it('skip-path storage outside the FIFO: none for an identity skip, the converter or the projection otherwise', () => {
    const none = analyticDepth(blockLayout(cfg('basic', 4, 4, FOLDINGS.basic[0]!.convs)));
    expect(none.skipPathExtraSlots).toBe(0);
    const split = analyticDepth(blockLayout(cfg('basic', 4, 4, FOLDINGS.basic[1]!.convs)));
    expect(split.skipPathExtraSlots).toBe(2); // one 8-lane input word = 2 skip words of 4 lanes
    const pack = analyticDepth(blockLayout(cfg('basic', 4, 4, FOLDINGS.basic[2]!.convs)));
    expect(pack.skipPathExtraSlots).toBe(2); // output register + accumulator
    const proj = analyticDepth(blockLayout(cfg('downsample', 4, 4, FOLDINGS.downsample[0]!.convs)));
    // 2 output words + line buffer (W+3 = 7 pixels x 2 words of 4 lanes = 14 words of the 4-lane skip width)
    expect(proj.skipPathExtraSlots).toBe(16);
  });

  it('the depth does not depend on the source rate, backpressure or frames (it is a property of the structure)', async () => {
    for (const block of ['basic', 'bottleneck', 'downsample'] as const) {
      const timings = [
        { source: { beats: 1, every: 3 } },
        { source: { validProbability: 0.5, seed: 4 }, backpressure: { readyProbability: 0.4, seed: 9 } },
        { frames: 3, backpressure: 0.7 },
      ];
      for (const t of timings) {
        const c = cfg(block, 5, 6, FOLDINGS[block][1]!.convs, t);
        await agrees(c, analyticDepth(blockLayout(c)).depth, `${block} ${JSON.stringify(t)}`);
      }
    }
  }, 60_000);

  it('random blocks, shapes, channel counts and foldings (fast-check; the seed is printed on failure)', async () => {
    const lanes = fc.constantFrom(1, 2, 4, 8);
    const arb = fc.record({
      block: fc.constantFrom(...BLOCK_KINDS),
      height: fc.integer({ min: 1, max: 12 }),
      width: fc.integer({ min: 1, max: 12 }),
      channels: fc.constantFrom(1, 2, 4, 5, 8, 16),
      mid: fc.integer({ min: 1, max: 9 }),
      out: fc.constantFrom(2, 8, 16),
      folding: fc.array(fc.record({ simd: lanes, pe: lanes }), { minLength: 3, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (r) => {
        const convs = Object.fromEntries(CONV_NAMES[r.block].filter((n) => n !== 'proj').map((n, i) => [n, r.folding[i]!]));
        let c: ScenarioConfig;
        try {
          c = parseScenarioConfig({ block: r.block, height: r.height, width: r.width, channels: r.channels, midChannels: r.mid, ...(r.block === 'downsample' ? { outChannels: r.out } : {}), convs, frames: 2, mode: 'timing' });
          blockLayout(c);
        } catch (e) {
          if (e instanceof ConfigError) return fc.pre(false);
          throw e;
        }
        await agrees(c, analyticDepth(blockLayout(c)).depth, JSON.stringify(r));
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
