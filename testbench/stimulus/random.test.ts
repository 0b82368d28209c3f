import { describe, expect, it } from 'vitest';
import { gapPattern, gapSequence, makeRng } from './random.ts';

describe('makeRng', () => {
  it('replays the same stream for the same seed, and a number seed equals its string', () => {
    const draw = (seed: string | number) => {
      const r = makeRng(seed);
      return Array.from({ length: 50 }, () => r.int(-1000, 1000));
    };
    expect(draw('abc')).toEqual(draw('abc'));
    expect(draw(42)).toEqual(draw('42'));
    expect(draw(1)).not.toEqual(draw(2));
    expect(makeRng(42).seed).toBe('42');
  });

  it('int(lo, hi) stays in range and reaches both ends', () => {
    const r = makeRng('ends');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      expect(Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(r.int(5, 5)).toBe(5);
  });

  it('int8 covers [-128, 127] and no more', () => {
    const r = makeRng(7);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 20000; i++) {
      const v = r.int8();
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(-128);
    expect(max).toBe(127);
  });

  it('bool(0) is never true, bool(1) always, bool(0.3) about 30% of the time', () => {
    const r = makeRng('bool');
    let hits = 0;
    let zeroTrue = 0;
    let oneFalse = 0;
    for (let i = 0; i < 10000; i++) {
      if (r.bool(0)) zeroTrue++;
      if (!r.bool(1)) oneFalse++;
      if (r.bool(0.3)) hits++;
    }
    expect([zeroTrue, oneFalse]).toEqual([0, 0]);
    // 10000 draws: std dev ~46, so +-300 is > 6 sigma.
    expect(Math.abs(hits - 3000)).toBeLessThan(300);
  });

  it('pick returns members and reaches all of them', () => {
    const r = makeRng('pick');
    const arr = ['a', 'b', 'c'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(r.pick(arr));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('rejects bad arguments with messages naming them', () => {
    const r = makeRng(0);
    expect(() => r.int(3, 2)).toThrow('lo must be <= hi, got lo=3, hi=2');
    expect(() => r.int(0.5, 2)).toThrow('lo and hi must be safe integers');
    expect(() => r.bool(1.5)).toThrow('p must be in [0, 1], got 1.5');
    expect(() => r.pick([])).toThrow('array must not be empty');
    expect(() => makeRng(Number.NaN)).toThrow('seed must be a finite number');
  });
});

describe('gapPattern', () => {
  it('is deterministic per seed', () => {
    expect(gapSequence(makeRng('g'), 0.5, 100)).toEqual(gapSequence(makeRng('g'), 0.5, 100));
  });

  it('pValid = 1 never gaps, and the valid rate follows pValid', () => {
    expect(gapSequence(makeRng(1), 1, 100).every(Boolean)).toBe(true);
    const next = gapPattern(makeRng(2), 0.75);
    let valid = 0;
    for (let i = 0; i < 10000; i++) if (next()) valid++;
    expect(Math.abs(valid - 7500)).toBeLessThan(300);
  });

  it('rejects pValid outside (0, 1] and a bad length', () => {
    expect(() => gapPattern(makeRng(0), 0)).toThrow('pValid must be in (0, 1], got 0');
    expect(() => gapPattern(makeRng(0), 1.1)).toThrow('pValid must be in (0, 1], got 1.1');
    expect(() => gapSequence(makeRng(0), 0.5, -1)).toThrow('n must be a non-negative integer, got -1');
  });
});
