import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { convOutSize } from '../../testbench/ref/conv.ts';
import { convGeometry, firstOutputInputBeats, firstOutputLatency, needPixel, releasePixel, windowStartPixel, type ConvShape } from './geometry.ts';

const shapeArb = fc
  .record({
    k: fc.constantFrom(1, 2, 3, 4, 5, 7),
    stride: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 14 }),
    width: fc.integer({ min: 1, max: 14 }),
    cin: fc.integer({ min: 1, max: 20 }),
    cout: fc.integer({ min: 1, max: 20 }),
    simd: fc.integer({ min: 1, max: 8 }),
    pe: fc.integer({ min: 1, max: 8 }),
    padFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ padFrac, ...s }) => ({ ...s, pad: Math.min(s.k - 1, Math.floor(padFrac * s.k)) }))
  .filter((s) => s.height + 2 * s.pad >= s.k && s.width + 2 * s.pad >= s.k);

/** Raster indices of the in-image input pixels of output (oy, ox)'s window, by brute force. */
function windowPixels(s: Required<Pick<ConvShape, 'height' | 'width' | 'k' | 'stride' | 'pad'>>, oy: number, ox: number): number[] {
  const out: number[] = [];
  for (let ky = 0; ky < s.k; ky++) {
    for (let kx = 0; kx < s.k; kx++) {
      const y = oy * s.stride + ky - s.pad;
      const x = ox * s.stride + kx - s.pad;
      if (y >= 0 && y < s.height && x >= 0 && x < s.width) out.push(y * s.width + x);
    }
  }
  return out;
}

describe('convGeometry', () => {
  it('derives output size, folding, cycles per beat and the line-buffer size', () => {
    const g = convGeometry({ height: 56, width: 56, cin: 64, cout: 128, k: 3, simd: 16, pe: 32 });
    expect([g.hOut, g.wOut, g.pad, g.stride]).toEqual([56, 56, 1, 1]);
    expect(g.inGroups).toBe(4);
    expect(g.outGroups).toBe(4);
    expect(g.macCyclesPerBeat).toBe(3 * 3 * 4);
    expect(g.cyclesPerPixel).toBe(3 * 3 * 4 * 4);
    // (K+S-2)*W + K + S pixels, IG words each, SIMD*8 bits per word
    expect(g.lineBufferPixels).toBe(2 * 56 + 3 + 1);
    expect(g.lineBufferWords).toBe((2 * 56 + 4) * 4);
    expect(g.lineBufferWordBits).toBe(128);
    expect(g.lineBufferBits).toBe((2 * 56 + 4) * 4 * 128);
    expect(g.minLineBufferPixels).toBe(2 * 56 + 3);
    const s2 = convGeometry({ height: 9, width: 9, cin: 5, cout: 3, k: 3, stride: 2, simd: 2, pe: 2 });
    expect([s2.hOut, s2.wOut, s2.inGroups, s2.outGroups, s2.lineBufferPixels]).toEqual([5, 5, 3, 2, 3 * 9 + 3 + 2]);
  });

  it('output size agrees with the reference conv2d for any shape', () => {
    fc.assert(
      fc.property(shapeArb, (s) => {
        const g = convGeometry(s);
        expect(g.hOut).toBe(convOutSize(s.height, s.k, s.stride, s.pad));
        expect(g.wOut).toBe(convOutSize(s.width, s.k, s.stride, s.pad));
      }),
      { numRuns: 500 },
    );
  });

  it('need / window start / release / minimum line buffer agree with a brute-force scan of every window', () => {
    fc.assert(
      fc.property(shapeArb, (s) => {
        const g = convGeometry(s);
        const pixels: number[][] = [];
        for (let oy = 0; oy < g.hOut; oy++) for (let ox = 0; ox < g.wOut; ox++) pixels.push(windowPixels(s, oy, ox));
        let live = 0; // oldest live pixel while computing output u
        let minCap = 0;
        let prevRelease = 0;
        for (let u = 0; u < pixels.length; u++) {
          const oy = Math.floor(u / g.wOut);
          const ox = u % g.wOut;
          const win = pixels[u]!;
          expect(win.length).toBeGreaterThan(0);
          expect(needPixel(g, oy, ox)).toBe(Math.max(...win));
          expect(windowStartPixel(g, oy, ox)).toBe(Math.min(...win));
          // every pixel of this window is still live
          expect(Math.min(...win)).toBeGreaterThanOrEqual(live);
          minCap = Math.max(minCap, Math.max(...win) - live + 1);
          // release: the oldest pixel any later window reads (H*W after the last one)
          const later = pixels.slice(u + 1).flat();
          const rel = later.length ? Math.min(...later) : s.height * s.width;
          expect(releasePixel(g, oy, ox)).toBe(rel);
          expect(rel).toBeGreaterThanOrEqual(prevRelease); // monotone: the buffer never re-reads freed pixels
          prevRelease = rel;
          live = rel;
        }
        expect(g.minLineBufferPixels).toBe(minCap);
        expect(g.minLineBufferPixels).toBeLessThanOrEqual((s.k - 1) * s.width + s.k);
      }),
      { numRuns: 300 },
    );
  });

  it('first-output latency: N0 + SF, and the closed form for a same conv', () => {
    for (const k of [1, 3, 5, 7]) {
      for (const w of [7, 8, 20]) {
        const g = convGeometry({ height: 10, width: w, cin: 6, cout: 4, k, simd: 4, pe: 2 });
        const p = (k - 1) / 2;
        expect(firstOutputInputBeats(g)).toBe(((k - 1 - p) * (w + 1) + 1) * 2);
        expect(firstOutputLatency(g)).toBe(((k - 1 - p) * (w + 1) + 1) * 2 + k * k * 2);
      }
    }
  });

  it('rejects bad parameters with an error that names the parameter', () => {
    const base: ConvShape = { height: 8, width: 8, cin: 4, cout: 4, k: 3, simd: 2, pe: 2 };
    const cases: [Partial<ConvShape>, RegExp][] = [
      [{ k: 4 }, /pad must be given for an even kernel \(k = 4\)/],
      [{ pad: 3 }, /pad must be an integer in 0\.\.k-1 = 0\.\.2, got 3/],
      [{ simd: 0 }, /simd must be a positive integer, got 0/],
      [{ pe: 1.5 }, /pe must be a positive integer, got 1\.5/],
      [{ stride: -1 }, /stride must be a positive integer/],
      [{ height: 1, pad: 0 }, /kernel k = 3 does not fit height 1 with pad 0/],
      [{ lineBufferPixels: 18 }, /lineBufferPixels must be an integer >= 19 .*got 18/],
      [{ cin: undefined as unknown as number }, /cin must be a positive integer, got undefined/],
    ];
    for (const [patch, re] of cases) {
      let err: unknown;
      try {
        convGeometry({ ...base, ...patch }, 'top.conv');
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(patch)).toBeInstanceOf(SimError);
      expect((err as SimError).code).toBe(ErrorCodes.BAD_PARAMETER);
      expect((err as SimError).message).toMatch(/^\[SKS-E009\] top\.conv: /);
      expect((err as SimError).message).toMatch(re);
    }
    // the smallest legal line buffer is accepted
    expect(convGeometry({ ...base, lineBufferPixels: 19 }).lineBufferWords).toBe(19 * 2);
  });
});
