import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bram18Count, finnLuts, lutEquivalents, memoryCost, nextPow2, XCVU9P, type DeviceBudget } from './memory-cost.ts';

describe('memoryCost: hand-derived cases', () => {
  it('36 x 512 fills exactly one BRAM18 in 512x36 mode', () => {
    const m = memoryCost(36, 512);
    expect(m).toMatchObject({
      wordBits: 36,
      depth: 512,
      bits: 18432, // 36 * 512 = 18 Kb
      bytes: 2304,
      bram18: 1,
      bram36: 1,
      uram: 1,
      lutramLuts: 576, // 2 LUTs * ceil(512/64)=8 * 36 bits
      srlLuts: 576, // ceil(512/32)=16 * 36 bits
      finnBram18: 1, // w > 18, d <= 512: ceil(512/512) * ceil(36/36)
      pow2Depth: 512,
    });
    // BRAM18 (~274 LUT-eq) beats LUTRAM (576) and URAM (~1232).
    expect(m.cheapest).toMatchObject({ primitive: 'bram', count: 1, unit: 'BRAM18' });
    expect(m.pow2Extra).toEqual({ bits: 0, bram18: 0, bram36: 0, uram: 0, lutramLuts: 0, srlLuts: 0, cheapestLutEquivalent: 0 });
  });

  it('37 x 512 needs a second BRAM18 (or one BRAM36 in 512x72)', () => {
    // 512x36: 1 * ceil(37/36) = 2; 1Kx18: 1 * ceil(37/18) = 3; 2Kx9: 1 * 5 = 5 -> 2
    const m = memoryCost(37, 512);
    expect(m.bram18).toBe(2);
    expect(m.bram36).toBe(1);
    expect(m.finnBram18).toBe(2);
  });

  it('72 x 4096 is exactly one URAM288, and URAM is the cheapest', () => {
    // BRAM18: 512x36 -> 8 * 2 = 16; 1Kx18 -> 4 * 4 = 16; 2Kx9 -> 2 * 8 = 16; 4Kx4 -> 1 * 18 = 18.
    const m = memoryCost(72, 4096);
    expect(m.uram).toBe(1);
    expect(m.bram18).toBe(16);
    expect(m.bram36).toBe(8);
    expect(m.lutramLuts).toBe(9216); // 2 * 64 * 72
    // 1 URAM = 1231.5 LUT-eq < 16 BRAM18 = 4378.7 < 9216 LUTs.
    expect(m.cheapest).toEqual({ primitive: 'uram', count: 1, unit: 'URAM288', lutEquivalent: 1231.5 });
  });

  it('1 x 16384 is one BRAM18 in 16Kx1 mode; one more word needs a second', () => {
    const a = memoryCost(1, 16384);
    expect([a.bram18, a.bram36, a.uram, a.lutramLuts, a.srlLuts, a.finnBram18]).toEqual([1, 1, 4, 512, 512, 1]);
    const b = memoryCost(1, 16385);
    expect(b.bram18).toBe(2);
    expect(b.bram36).toBe(1); // 32Kx1
    expect(b.pow2Depth).toBe(32768);
    expect(b.pow2.bram18).toBe(2);
    expect(b.pow2Extra.bits).toBe(32768 - 16385);
  });

  it('shallow FIFOs go to SRL up to 32 deep, then LUTRAM', () => {
    const a = memoryCost(8, 32);
    expect(a.srlLuts).toBe(8);
    expect(a.lutramLuts).toBe(16);
    expect(a.bram18).toBe(1); // 2Kx9
    expect(a.cheapest).toEqual({ primitive: 'srl', count: 8, unit: 'LUT', lutEquivalent: 8 });
    expect(a.finnLuts).toBe(14); // 2*ceil(log2 32) + ceil(32/32)*ceil(8/2) = 10 + 4
    const b = memoryCost(8, 33);
    expect(b.srlLuts).toBe(16); // still reported, but not a candidate past 32
    expect(b.cheapest).toEqual({ primitive: 'lutram', count: 16, unit: 'LUT', lutEquivalent: 16 });
  });

  it('aspect-ratio packing can beat the FINN estimate', () => {
    // 3 x 16384: 16Kx1 -> 1 * 3 = 3; 8Kx2 -> 2 * 2 = 4; 4Kx4 -> 4 * 1 = 4.  FINN (w <= 4): ceil(16384/4096) = 4.
    const a = memoryCost(3, 16384);
    expect(a.bram18).toBe(3);
    expect(a.finnBram18).toBe(4);
    // 36 x 1100: 512x36 -> 3 * 1 = 3; 1Kx18 -> 2 * 2 = 4.  FINN (d > 512): ceil(1100/1024) * ceil(36/18) = 4.
    const b = memoryCost(36, 1100);
    expect(b.bram18).toBe(3);
    expect(b.finnBram18).toBe(4);
  });

  it('rounding the depth to a power of two can cost extra blocks', () => {
    // 36 x 1100 -> 2048 deep: 512x36 -> 4; 1Kx18 -> 2 * 2 = 4; 2Kx9 -> 1 * 4 = 4. So 3 -> 4 BRAM18.
    const m = memoryCost(36, 1100);
    expect(m.pow2Depth).toBe(2048);
    expect(m.pow2.bram18).toBe(4);
    expect(m.pow2Extra.bram18).toBe(1);
    expect(m.pow2Extra.bits).toBe(36 * (2048 - 1100));
    // 20 x 600 -> 1024: BRAM18 stays 2 (1Kx18 * 2), LUTRAM grows 2*10*20 = 400 -> 2*16*20 = 640.
    const n = memoryCost(20, 600);
    expect([n.bram18, n.pow2.bram18, n.lutramLuts, n.pow2.lutramLuts, n.pow2Extra.lutramLuts]).toEqual([2, 2, 400, 640, 240]);
  });

  it('a device without URAM never picks it', () => {
    const noUram: DeviceBudget = { name: 'test part without URAM', luts: 100_000, bram18: 400, uram: 0 };
    expect(memoryCost(72, 4096, noUram).cheapest).toMatchObject({ primitive: 'bram', count: 16 });
    expect(lutEquivalents(noUram).uram).toBe(Infinity);
  });

  it('depth 1: every primitive still costs one unit per column', () => {
    const m = memoryCost(5, 1);
    expect([m.bits, m.bytes, m.bram18, m.bram36, m.uram, m.lutramLuts, m.srlLuts, m.finnLuts]).toEqual([5, 1, 1, 1, 1, 10, 5, 3]);
  });
});

describe('memoryCost: properties', () => {
  const width = fc.integer({ min: 1, max: 600 });
  const depth = fc.integer({ min: 1, max: 70_000 });
  const fields = ['bits', 'bytes', 'bram18', 'bram36', 'uram', 'lutramLuts', 'srlLuts'] as const;

  it('more depth or more width never costs less', () => {
    fc.assert(
      fc.property(width, depth, fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 100 }), (w, d, dd, dw) => {
        const base = memoryCost(w, d);
        for (const bigger of [memoryCost(w, d + dd), memoryCost(w + dw, d), memoryCost(w + dw, d + dd)]) {
          for (const f of fields) expect(bigger[f]).toBeGreaterThanOrEqual(base[f]);
          expect(bigger.cheapest.lutEquivalent).toBeGreaterThanOrEqual(base.cheapest.lutEquivalent);
        }
      }),
    );
  });

  it('counts never undercut raw capacity, and BRAM36 sits between BRAM18/2 and BRAM18', () => {
    fc.assert(
      fc.property(width, depth, (w, d) => {
        const m = memoryCost(w, d);
        expect(m.bram18 * 18432).toBeGreaterThanOrEqual(m.bits);
        expect(m.bram36 * 36864).toBeGreaterThanOrEqual(m.bits);
        expect(m.uram * 294912).toBeGreaterThanOrEqual(m.bits);
        expect((m.lutramLuts / 2) * 64).toBeGreaterThanOrEqual(m.bits);
        expect(m.srlLuts * 32).toBeGreaterThanOrEqual(m.bits);
        expect(m.bram36).toBeLessThanOrEqual(m.bram18);
        expect(m.bram18).toBeLessThanOrEqual(2 * m.bram36);
      }),
    );
  });

  it('FINN picks one fixed ratio per width band, so it never beats the best packing', () => {
    fc.assert(
      fc.property(width, depth, (w, d) => {
        const m = memoryCost(w, d);
        expect(m.finnBram18).toBeGreaterThanOrEqual(m.bram18);
      }),
    );
  });

  it('cheapest is no dearer than any candidate in the report', () => {
    const wt = lutEquivalents(XCVU9P);
    fc.assert(
      fc.property(width, depth, (w, d) => {
        const m = memoryCost(w, d);
        const c = m.cheapest.lutEquivalent;
        expect(c).toBeLessThanOrEqual(m.lutramLuts);
        expect(c).toBeLessThanOrEqual(m.bram18 * wt.bram18);
        expect(c).toBeLessThanOrEqual(m.uram * wt.uram);
        if (d <= 32) expect(c).toBeLessThanOrEqual(m.srlLuts);
      }),
    );
  });

  it('pow2Depth is the smallest power of two >= depth', () => {
    fc.assert(
      fc.property(depth, (d) => {
        const p = memoryCost(1, d).pow2Depth;
        expect(Number.isInteger(Math.log2(p))).toBe(true);
        expect(p).toBeGreaterThanOrEqual(d);
        expect(p / 2).toBeLessThan(d);
      }),
    );
    expect([1, 2, 3, 5, 1024, 1025].map(nextPow2)).toEqual([1, 2, 4, 8, 1024, 2048]);
  });
});

describe('memoryCost: validation', () => {
  it('rejects non-positive or non-integer sizes with the field name', () => {
    expect(() => memoryCost(0, 16)).toThrow('memoryCost: wordBits must be a positive integer, got 0');
    expect(() => memoryCost(8, -4)).toThrow('memoryCost: depth must be a positive integer, got -4');
    expect(() => memoryCost(8, 2.5)).toThrow('depth must be a positive integer, got 2.5');
    expect(() => memoryCost(Number.NaN, 2)).toThrow('wordBits must be a positive integer, got NaN');
    expect(() => bram18Count(1, 0)).toThrow('bram18Count: depth must be a positive integer, got 0');
    expect(() => finnLuts(0, 1)).toThrow('finnLuts: wordBits must be a positive integer');
    expect(() => memoryCost(8, 16, { name: 'bad', luts: 0, bram18: 1, uram: 1 })).toThrow('device.luts must be a positive integer, got 0');
  });
});
