import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignDown } from './npu-config.ts';
import { rowBytes, type NpuLayer } from './npu-network.ts';
import { bandRowQuantum, bands, inputStageBytes, outputStageBytes, weightTiles } from './npu-tiling.ts';

const outSize = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;

function conv(h: number, w: number, cin: number, cout: number, k: number, s: number, p: number): NpuLayer {
  return {
    name: 'c', kind: 'conv', inputs: ['x'], output: 'y', inShapes: [{ h, w, c: cin }],
    outShape: { h: outSize(h, k, s, p), w: outSize(w, k, s, p), c: cout }, kernel: k, stride: s, padding: p, cin, cout, relu: true,
  };
}

const geometry = fc
  .record({ h: fc.integer({ min: 1, max: 60 }), k: fc.integer({ min: 1, max: 7 }), s: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 0, max: 3 }), rows: fc.integer({ min: 1, max: 70 }) })
  .filter(({ h, k, p }) => p < k && h + 2 * p >= k);

describe('row bands', () => {
  it('partition the output rows; each band loads every input row its windows read; bands overlap by the halo only', () => {
    fc.assert(
      fc.property(geometry, ({ h, k, s, p, rows }) => {
        const l = conv(h, 5, 16, 16, k, s, p);
        const bs = bands(l, rows);
        expect(bs[0]!.r0).toBe(0);
        expect(bs.at(-1)!.r1).toBe(l.outShape.h);
        bs.forEach((b, i) => {
          if (i > 0) expect(b.r0).toBe(bs[i - 1]!.r1);
          for (let r = b.r0; r < b.r1; r++) {
            const lo = Math.max(0, r * s - p);
            const hi = Math.min(h, r * s - p + k);
            if (hi > lo) {
              expect(b.in0).toBeLessThanOrEqual(lo);
              expect(b.in1).toBeGreaterThanOrEqual(hi);
            }
          }
          if (i > 0) {
            const prev = bs[i - 1]!;
            expect(b.in0).toBeLessThanOrEqual(prev.in1); // contiguous: no input row skipped
            expect(b.haloRows).toBe(prev.in1 - b.in0);
            expect(b.haloRows).toBeLessThanOrEqual(Math.max(0, k - s));
          }
        });
        // every input row up to the last one a window reads is loaded at least once
        const lastRead = Math.min(h, (l.outShape.h - 1) * s - p + k);
        expect(bs.at(-1)!.in1).toBeGreaterThanOrEqual(lastRead);
        expect(bs[0]!.in0).toBe(0);
      }),
    );
  });

  it('a 3x3 stride-1 conv re-reads k - s = 2 rows per band edge; a 1x1 stride-2 projection none', () => {
    const c3 = bands(conv(56, 56, 64, 64, 3, 1, 1), 8);
    expect(c3.length).toBe(7);
    expect(c3.slice(1).every((b) => b.haloRows === 2)).toBe(true);
    const proj = bands(conv(56, 56, 64, 128, 1, 2, 0), 4);
    expect(proj.every((b) => b.haloRows === 0)).toBe(true);
    expect(proj.reduce((s, b) => s + b.in1 - b.in0, 0)).toBe(56); // contiguous rows, each once
  });

  it('band heights in multiples of the quantum start every band on a 64-byte DRAM burst', () => {
    for (const [w, c] of [[7, 16], [56, 3], [14, 48], [3, 16]] as const) {
      const l = conv(40, w, 16, c, 3, 1, 1);
      const q = bandRowQuantum(l);
      for (const b of bands(l, q * 3)) expect((b.r0 * rowBytes(l.outShape)) % 64).toBe(0);
    }
  });

  it('staging buffers hold the largest band, from the burst boundary below its first byte', () => {
    fc.assert(
      fc.property(geometry, ({ h, k, s, p, rows }) => {
        const l = conv(h, 7, 3, 16, k, s, p);
        const rb = rowBytes(l.inShapes[0]!);
        const stage = inputStageBytes(l, 0, rows);
        for (const b of bands(l, rows)) expect(b.in1 * rb - alignDown(b.in0 * rb)).toBeLessThanOrEqual(stage);
        expect(outputStageBytes(l, rows)).toBeGreaterThanOrEqual(Math.min(rows, l.outShape.h) * rowBytes(l.outShape));
      }),
    );
  });
});

describe('weight tiles', () => {
  it('partition the K x N weights, each fits a slot, columns come in multiples of the array width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(1, 3), fc.integer({ min: 4, max: 64 }), fc.integer({ min: 1, max: 40 }),
        (cin, cout, k, side, slotKiB) => {
          const array = { rows: side, cols: side, dataflow: 'ws' as const };
          const slot = slotKiB * 1024;
          const l = conv(9, 9, cin, cout, k, 1, Math.floor(k / 2));
          const K = k * k * cin;
          if (K * Math.min(side, cout) > slot && side * Math.min(side, cout) > slot) return; // slot smaller than one array row: rejected
          const tiles = weightTiles(l, slot, array);
          expect(tiles.reduce((s, t) => s + t.bytes, 0)).toBe(K * cout);
          const seen = new Uint8Array(K * cout);
          for (const t of tiles) {
            expect(t.bytes).toBeLessThanOrEqual(slot);
            if (t.n1 < cout) expect((t.n1 - t.n0) % side).toBe(0);
            if (t.k1 < K) expect((t.k1 - t.k0) % side).toBe(0);
            for (let kk = t.k0; kk < t.k1; kk++) for (let n = t.n0; n < t.n1; n++) seen[kk * cout + n]!++;
          }
          expect(seen.every((v) => v === 1)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tiles are as equal as the array multiples allow (no short remainder tile after long ones)', () => {
    // K = 3*3*256 = 2304 rows do not fit a 64 KiB slot at 32 columns: two tiles of 1152 rows, not 2048 + 256
    const tiles = weightTiles(conv(4, 4, 256, 512, 3, 1, 1), 64 * 1024, { rows: 32, cols: 32, dataflow: 'ws' });
    expect(new Set(tiles.map((t) => t.k1 - t.k0))).toEqual(new Set([1152]));
    expect(tiles).toHaveLength(2 * 16);
  });

  it('a layer whose weights fit one slot is one tile; a slot too small for one array row is an error naming the layer', () => {
    expect(weightTiles(conv(8, 8, 64, 64, 3, 1, 1), 64 * 1024, { rows: 32, cols: 32, dataflow: 'ws' })).toHaveLength(1);
    expect(() => weightTiles(conv(8, 8, 64, 64, 3, 1, 1), 512, { rows: 32, cols: 32, dataflow: 'ws' })).toThrow(/weightSlotBytes 512: too small for layer 'c'/);
  });
});
