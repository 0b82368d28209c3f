import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdCode, encodeIdCode, IdCodeAllocator } from './id-codes.ts';

const ONE = 94; // one-character codes: indices 0..93
const TWO_END = 94 + 94 * 94; // first index with three characters

describe('id codes (checklist items 14, 15)', () => {
  it('is bijective base 94, least significant character first', () => {
    expect(encodeIdCode(0)).toBe('!');
    expect(encodeIdCode(93)).toBe('~');
    expect(encodeIdCode(94)).toBe('!!');
    expect(encodeIdCode(95)).toBe('"!');
    expect(encodeIdCode(94 + 93)).toBe('~!');
    expect(encodeIdCode(94 + 94)).toBe('!"');
  });

  it('changes length exactly at the 94 and 94^2+94 boundaries', () => {
    for (const [n, len] of [
      [ONE - 1, 1],
      [ONE, 2],
      [ONE + 1, 2],
      [TWO_END - 1, 2],
      [TWO_END, 3],
      [TWO_END + 1, 3],
      [TWO_END + 94 ** 3 - 1, 3],
      [TWO_END + 94 ** 3, 4],
    ] as const) {
      expect(encodeIdCode(n), `index ${n}`).toHaveLength(len);
      expect(decodeIdCode(encodeIdCode(n))).toBe(n);
    }
    expect(encodeIdCode(TWO_END - 1)).toBe('~~');
    expect(encodeIdCode(TWO_END)).toBe('!!!');
  });

  it('round-trips and stays in ! .. ~ for every index around the boundaries', () => {
    const seen = new Set<string>();
    for (let n = 0; n < TWO_END + 200; n++) {
      const c = encodeIdCode(n);
      expect(/^[!-~]+$/.test(c)).toBe(true);
      expect(decodeIdCode(c)).toBe(n);
      seen.add(c);
    }
    expect(seen.size).toBe(TWO_END + 200);
  });

  it('decode(encode(n)) = n for random indices (property)', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), (n) => decodeIdCode(encodeIdCode(n)) === n));
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]{1,5}$/), (c) => encodeIdCode(decodeIdCode(c)) === c),
    );
  });

  it('rejects characters outside ! .. ~', () => {
    expect(() => decodeIdCode(' ')).toThrow(/outside/);
    expect(() => decodeIdCode('')).toThrow(/empty/);
    expect(() => encodeIdCode(-1)).toThrow(/non-negative/);
  });

  it('the allocator skips codes starting with $ and is otherwise dense', () => {
    const a = new IdCodeAllocator();
    const codes: string[] = [];
    for (let i = 0; i < 20000; i++) codes.push(a.allocate());
    expect(codes.some((c) => c.startsWith('$'))).toBe(false);
    expect(codes).not.toContain('$end');
    expect(new Set(codes).size).toBe(codes.length);
    const indices = codes.map(decodeIdCode);
    for (let i = 1; i < indices.length; i++) expect(indices[i]).toBeGreaterThan(indices[i - 1]!);
    // Only the '$'-first codes are skipped: about one in 94.
    const last = indices[indices.length - 1]!;
    expect(last - (codes.length - 1)).toBe(Math.floor((last + 94 - 3) / 94));
    expect(codes.slice(0, 4)).toEqual(['!', '"', '#', '%']);
  });
});
