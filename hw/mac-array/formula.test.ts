import { describe, expect, it } from 'vitest';
import { foldPhases, foldsOf, PHASES } from './folds.ts';
import { macArrayCycles } from './formula.ts';
import { aAddress, aReadsPerPass, gemmOf, type ArrayConfig, type ConvLayer, type MacLayer } from './layer.ts';

const conv = (h: number, w: number, c: number, k: number, filters: number, stride = 1, pad = 0): ConvLayer => ({
  kind: 'conv', h, w, c, kh: k, kw: k, filters, stride, pad,
});

describe('macArrayCycles (closed form)', () => {
  it('gives the documented worked example: 56x56x64 conv 3x3x64 on 16x16', () => {
    const layer = conv(56, 56, 64, 3, 64, 1, 1);
    const ws = macArrayCycles({ rows: 16, cols: 16, dataflow: 'ws' }, layer);
    expect(ws.gemm).toEqual({ m: 3136, k: 576, n: 64 });
    expect(ws.folds).toBe(144);
    expect(ws.foldGrid).toEqual({ m: 1, k: 36, n: 4 });
    expect(ws.phases).toEqual({ load: 2304, fill: 2160, stream: 451584, drain: 2160 });
    expect(ws.cycles).toBe(458208);
    expect(ws.macs).toBe(115605504);
    expect(ws.utilisation).toBeCloseTo(0.98554, 5);
    expect(ws.sramReads).toEqual({ ifmap: 4 * 1763584, filter: 36864, psum: 35 * 3136 * 64 });
    expect(ws.sramWrites).toEqual({ psum: 35 * 3136 * 64, ofmap: 3136 * 64 });
    expect(ws.sramWriteBytes).toBe(4 * (35 * 3136 * 64 + 3136 * 64));
    const os = macArrayCycles({ rows: 16, cols: 16, dataflow: 'os' }, layer);
    expect(os.folds).toBe(784);
    expect(os.cycles).toBe(784 * (15 + 15 + 576 + 15));
  });

  it('counts a 2x2 weight-stationary matmul by hand', () => {
    // load 2 + fill 1 + stream 3 + drain 1
    const r = macArrayCycles({ rows: 2, cols: 2, dataflow: 'ws' }, { kind: 'matmul', m: 3, k: 2, n: 2 });
    expect(r.cycles).toBe(7);
    expect(r.utilisation).toBeCloseTo(12 / 28);
  });

  it('equals the per-fold sum of load + fill + stream + drain over a grid', () => {
    const layers: MacLayer[] = [
      { kind: 'matmul', m: 1, k: 1, n: 1 },
      { kind: 'matmul', m: 7, k: 13, n: 5 },
      { kind: 'matmul', m: 32, k: 8, n: 33 },
      conv(9, 7, 3, 3, 10, 2, 1),
      conv(14, 14, 16, 1, 24),
    ];
    for (const dataflow of ['ws', 'os'] as const) {
      for (const rows of [1, 2, 3, 8]) {
        for (const cols of [1, 4, 7]) {
          const cfg: ArrayConfig = { rows, cols, dataflow };
          for (const l of layers) {
            const g = gemmOf(l);
            const folds = foldsOf(cfg, g);
            let sum = 0;
            for (const f of folds) for (const p of PHASES) sum += foldPhases(cfg, g, f)[p];
            const r = macArrayCycles(cfg, l);
            expect(r.cycles, JSON.stringify({ cfg, l })).toBe(sum);
            expect(r.folds).toBe(folds.length);
            expect(r.foldGrid.m * r.foldGrid.k * r.foldGrid.n).toBe(folds.length);
          }
        }
      }
    }
  });

  it('counts non-padding ifmap elements like a brute-force im2col walk', () => {
    for (const l of [conv(5, 6, 2, 3, 1, 1, 1), conv(7, 7, 3, 3, 1, 2, 2), conv(4, 4, 1, 4, 1, 3, 0)]) {
      const g = gemmOf(l);
      const addr = aAddress(l);
      let n = 0;
      for (let m = 0; m < g.m; m++) for (let k = 0; k < g.k; k++) if (addr(m, k) >= 0) n++;
      expect(aReadsPerPass(l)).toBe(n);
    }
  });

  it('rejects bad parameters naming the field and what was expected', () => {
    expect(() => macArrayCycles({ rows: 0, cols: 4, dataflow: 'ws' }, { kind: 'matmul', m: 1, k: 1, n: 1 })).toThrow(
      /rows must be a positive integer, got 0/,
    );
    expect(() => macArrayCycles({ rows: 4, cols: 4, dataflow: 'xs' as 'ws' }, { kind: 'matmul', m: 1, k: 1, n: 1 })).toThrow(
      /dataflow must be 'ws' or 'os', got "xs"/,
    );
    expect(() => macArrayCycles({ rows: 4, cols: 4, dataflow: 'os' }, conv(4, 4, 1, 3, 1, 0))).toThrow(/layer.stride must be a positive integer/);
    expect(() => macArrayCycles({ rows: 4, cols: 4, dataflow: 'os' }, conv(2, 4, 1, 3, 1))).toThrow(/layer.output height must be/);
    expect(() => macArrayCycles({ rows: 4, cols: 4, dataflow: 'os' }, { ...conv(4, 4, 1, 3, 1), pad: -1 })).toThrow(
      /layer.pad must be a non-negative integer, got -1/,
    );
  });
});
