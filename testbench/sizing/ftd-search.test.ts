import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullThroughputDepth, type FtdContext } from './ftd-search.ts';

/** A context over a table of cycle counts T[d - dfd] (non-increasing, last = tInf), counting the probes. */
function context(dfd: number, table: number[], useTop: boolean): FtdContext & { probes: number[] } {
  const tInf = table[table.length - 1]!;
  const dSame = dfd + table.length - 1;
  const probes: number[] = [];
  const T = (d: number) => {
    expect(d > dfd && d <= dSame, `probe ${d} outside (${dfd}, ${dSame}]`).toBe(true);
    probes.push(d);
    return table[d - dfd]!;
  };
  return {
    dfd,
    tDfd: table[0]!,
    dSame,
    tInf,
    lanes: 2,
    probes,
    cyclesAt: async (d) => T(d),
    fullSpeed: async (d) => T(d) === tInf,
    top: useTop && dSame - 1 > dfd ? Promise.resolve(table[dSame - 1 - dfd] === tInf) : null,
  };
}

const firstAt = (dfd: number, table: number[]) => dfd + table.indexOf(table[table.length - 1]!);

describe('full-throughput search', () => {
  it('finds the first depth with the unbounded cycle count for any non-increasing T(d)', async () => {
    const tableArb = fc
      .array(fc.integer({ min: 0, max: 60_000 }), { minLength: 2, maxLength: 400 })
      .map((drops) => {
        // Cumulative drops from the end: T non-increasing, T(dfd) > T(dSame) enforced below.
        const t: number[] = [];
        let v = 1_000_000;
        for (let i = drops.length - 1; i >= 0; i--) t.unshift((v += i === drops.length - 1 ? 0 : drops[i]!));
        if (t[0] === t[t.length - 1]) t[0]! += 1;
        return t;
      });
    await fc.assert(
      fc.asyncProperty(tableArb, fc.integer({ min: 1, max: 5000 }), fc.boolean(), async (table, dfd, useTop) => {
        const x = context(dfd, table, useTop);
        expect(await fullThroughputDepth(x)).toBe(firstAt(dfd, table));
      }),
      { numRuns: 400 },
    );
  });

  it('piecewise-linear T (as measured on the ResNet-18 blocks) needs one probe plus one pair per stretch', async () => {
    // Downsample block at W = 56: -52,452 cycles per word to 238, then -14,258, then -1,908 to 251.
    const tInf = 460_691;
    const table: number[] = [];
    for (let d = 230; d <= 260; d++) {
      if (d <= 238) table.push(931_734 - 52_452 * (d - 230) - (d === 238 ? 14_326 : 0));
      else table.push(Math.max(tInf, 483_534 - 1_908 * (d - 239)));
    }
    const x = context(230, table, false);
    expect(await fullThroughputDepth(x)).toBe(251);
    expect(x.probes.length).toBeLessThanOrEqual(9);
    // Basic block at W = 56: one stretch of -52,479 per word.
    const basic = [893_552, 841_073, 788_594, 736_115, 683_636, 631_157, 578_678, 526_199, 464_972, 456_227, 456_227, 456_227];
    const y = context(920, basic, false);
    expect(await fullThroughputDepth(y)).toBe(929);
    expect(y.probes).toEqual([921, 928, 929]);
  });

  it('a balanced pipeline (T above T_inf up to dSame - 1) is settled by the speculative probe alone', async () => {
    const table = [2_000_000, 1_500_000, 1_000_000, 900_000, 810_445];
    const x = context(7424, table, true);
    expect(await fullThroughputDepth(x)).toBe(7428);
    expect(x.probes).toEqual([]);
  });
});
