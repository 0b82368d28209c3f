import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, toCsv } from './csv.ts';
import { needSpec } from './figure-need.ts';
import { sweepPoints, SweepOptionError } from './grid.ts';
import { intList, choiceList } from './list-options.ts';
import type { SweepRow } from './size-point.ts';

const row: SweepRow = {
  block: 'basic', W: 8, H: 8, C: 16, folding: 'simd8/pe8', method: 'analytic', deadlockFreeDepth: null, fullThroughputDepth: null,
  maxOccupancyUnbounded: null, analyticDepth: 38, sizedDepth: 38, wordBits: 64, totalBits: 2432, bytes: 304, bram18: 2, bram36: 1,
  uram: 1, cheapest: 'lutram (128 LUT)', tensorBits: 8192, seconds: 0.0123, formula: 'x', analyticMatches: null,
};

describe('sweep parts', () => {
  it('CSV: header in column order, empty cells for formula-only points, quoting only where needed', () => {
    const csv = toCsv([row, { ...row, cheapest: 'a, "b"' }]).trimEnd().split('\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv[1]).toBe('basic,8,8,16,simd8/pe8,analytic,,,,38,38,64,2432,304,2,1,1,lutram (128 LUT),8192,0.012');
    expect(csv[2]!.split(',simd8/pe8,')[1]).toContain('"a, ""b"""');
  });

  it('list options: sorted, deduplicated; bad entries rejected with what was expected', () => {
    expect(intList(3)('56,8,8,14')).toEqual([8, 14, 56]);
    expect(() => intList(3)('8,2')).toThrow(/expected a comma-separated list of integers >= 3, got '8,2'/);
    expect(() => intList(1)('8,,9')).toThrow(/integers >= 1/);
    expect(choiceList(['a', 'b'] as const)('b,a,b')).toEqual(['b', 'a']);
    expect(() => choiceList(['a', 'b'] as const)('a,c')).toThrow(/expected a comma-separated list of a, b, got 'c'/);
  });

  it('points: widths ascending within each block; long runs go to the formula; a bad point names its option', () => {
    const spec = { blocks: ['basic', 'downsample'] as const, widths: [16, 8], channels: [16], simd: [8], pe: [8], bits: 8, frames: 1, maxSimCycles: 3000, analyticOnly: false };
    const pts = sweepPoints({ ...spec, blocks: [...spec.blocks] });
    expect(pts.map((p) => p.label)).toEqual(['basic W=8 C=16 simd8/pe8', 'basic W=16 C=16 simd8/pe8', 'downsample W=8 C=16 simd8/pe8', 'downsample W=16 C=16 simd8/pe8']);
    // The slowest conv sets a run's cycles: basic 8x8 64 pixels x 9 x 2 x 2 = 2,304; downsample 8x8: conv2
    // 4x4 pixels x 9 x 4 x 4 (32 channels) = 2,304; at W = 16 both are 4 times that, above 3,000.
    expect(pts.map((p) => p.estimatedCycles)).toEqual([2304, 9216, 2304, 9216]);
    expect(pts.map((p) => p.method)).toEqual(['simulation', 'analytic', 'simulation', 'analytic']);
    expect(sweepPoints({ ...spec, blocks: ['basic'], analyticOnly: true }).every((p) => p.method === 'analytic')).toBe(true);
    const bad = (): unknown => sweepPoints({ ...spec, blocks: ['basic'], bits: 4, pe: [6] });
    expect(bad).toThrow(SweepOptionError);
    expect(bad).toThrow(/^options '--simd' and '--pe': conv1\.pe \(6\) feeds conv2\.simd \(8\)/);
  });

  it('need figure: the FIFO holds 2W+3 pixels, from (y,x) to the main path\'s (y+2,x+2)', () => {
    const spec = needSpec(10, 7, 2, 3) as unknown as { data: { values: { row: number; col: number; state: string; label: string }[] } };
    const cells = spec.data.values;
    const held = cells.filter((c) => c.state === 'in the skip FIFO');
    expect(held).toHaveLength(2 * 10 + 3);
    expect(held[0]).toMatchObject({ row: 2, col: 3, label: '(y,x)' });
    expect(held.at(-1)).toMatchObject({ row: 4, col: 5, label: '(y+2,x+2)' });
  });
});
