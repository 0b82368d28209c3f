import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convGeometry } from './geometry.ts';
import { LineBuffer } from './line-buffer.ts';

/** The lane value written for channel c of global pixel q: distinct enough to catch a wrong slot. */
const lane = (q: number, c: number) => ((q * 31 + c * 7) % 251) - 125;

describe('LineBuffer', () => {
  it('exposes its size in pixels, words and bits: ((K+S-2)*W + K + S) pixels x IG words x SIMD*8 bits', () => {
    const g = convGeometry({ height: 20, width: 17, cin: 10, cout: 4, k: 5, stride: 2, simd: 4, pe: 4 });
    const lb = new LineBuffer(g, true);
    expect(lb.pixels).toBe(5 * 17 + 5 + 2);
    expect(lb.words).toBe(lb.pixels * 3);
    expect(lb.wordBits).toBe(32);
    expect(lb.bits).toBe(lb.pixels * 3 * 32);
    expect(lb.store!.length).toBe(lb.pixels * 3 * 4);
    expect(new LineBuffer(g, false).store).toBeNull();
  });

  it('accepts exactly CAP pixels into an empty buffer, then one more pixel per released pixel', () => {
    const g = convGeometry({ height: 8, width: 6, cin: 3, cout: 1, k: 3, simd: 2, pe: 1 });
    const lb = new LineBuffer(g, false);
    let beats = 0;
    while (lb.canAccept()) {
      lb.write(null);
      beats++;
    }
    expect(beats).toBe(g.lineBufferPixels * g.inGroups);
    expect(lb.fill).toBe(g.lineBufferPixels);
    lb.release(2);
    for (let i = 0; i < 2 * g.inGroups; i++) {
      expect(lb.canAccept()).toBe(true);
      lb.write(null);
    }
    expect(lb.canAccept()).toBe(false);
    lb.release(1); // never moves backwards
    expect(lb.oldest).toBe(2);
    expect(lb.highWater).toBe(g.lineBufferPixels);
  });

  it('every live pixel reads back what was written, across wrap-arounds and random releases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 50, maxLength: 300 }),
        (w, cin, simd, ops) => {
          const g = convGeometry({ height: 40, width: w, cin, cout: 1, k: 3, pad: 2, simd, pe: 1 });
          const lb = new LineBuffer(g, true);
          for (const op of ops) {
            if (op > 0 && lb.canAccept()) {
              const q = lb.nextPixel;
              const l = new Int8Array(simd);
              for (let i = 0; i < simd; i++) l[i] = lane(q, lb.nextGroup * simd + i);
              lb.write(l);
            } else if (lb.oldest < lb.nextPixel) {
              lb.release(lb.oldest + 1 + (op % 2));
            }
            for (let q = lb.oldest; q < lb.nextPixel; q++) {
              const base = lb.slotBase(q);
              for (let c = 0; c < cin; c++) {
                if (lb.store![base + c] !== lane(q, c)) expect.fail(`pixel ${q} channel ${c}: ${lb.store![base + c]} != ${lane(q, c)}`);
              }
            }
            if (lb.nextPixel + (lb.nextGroup > 0 ? 1 : 0) - lb.oldest > lb.pixels) expect.fail('more live pixels than slots');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
