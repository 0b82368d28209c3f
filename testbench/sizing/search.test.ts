import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstTrue } from './search.ts';

describe('firstTrue: parallel k-ary search for the first depth where a monotone predicate holds', () => {
  it('finds the threshold for any interval and lane count, evaluating each depth at most once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.nat(), fc.integer({ min: 1, max: 4 }), async (lo, span, t, lanes) => {
        const hi = lo + span;
        const threshold = lo + (t % (span + 1)); // pred(hi) holds
        const seen = new Set<number>();
        const got = await firstTrue(lo, hi, lanes, async (d) => {
          expect(d >= lo && d < hi, `probe ${d} outside [${lo}, ${hi})`).toBe(true);
          expect(seen.has(d), `probe ${d} twice`).toBe(false);
          seen.add(d);
          return d >= threshold;
        });
        expect(got).toBe(threshold);
        // (L+1)-ary: about log_{L+1}(span) rounds of L probes.
        expect(seen.size).toBeLessThanOrEqual(lanes * (Math.ceil(Math.log(span + 1) / Math.log(lanes + 1)) + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an empty interval', async () => {
    await expect(firstTrue(5, 4, 1, async () => true)).rejects.toThrow('need integers lo <= hi');
  });
});
