import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { addSat } from '../../testbench/ref/quant.ts';
import { SramBanks, type SramOptions } from './sram.ts';
import { VectorUnit, type VectorOpSpec, type VectorUnitOptions } from './vector-unit.ts';

function rig(sramOpts: Partial<SramOptions> = {}, vuOpts: VectorUnitOptions = {}) {
  const sim = new Simulator();
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
  const sram = new SramBanks(top, 'sram', clk, { capacityBytes: 1 << 16, wordBytes: 16, banks: 4, ports: '1R1W', ...sramOpts });
  const vu = new VectorUnit(top, 'vu', clk, sram, vuOpts);
  const cycles = () => sim.clockOf(clk).cycles;
  /** Run one op from an idle start; returns the edges from the issuing edge to isDone. */
  const exec = async (spec: VectorOpSpec) => {
    await sim.run({ cycles: 1, clock: clk });
    const k0 = cycles();
    const job = vu.run(spec);
    await sim.run({ until: () => vu.isDone(job), clock: clk, cycles: 1_000_000 });
    return cycles() - k0;
  };
  return { sim, clk, sram, vu, exec };
}

const rand = (n: number, seed: string) => {
  const rng = seedrandom(seed);
  return Int8Array.from({ length: n }, () => Math.floor(rng() * 256) - 128);
};
const bytesOf = (a: Int8Array) => new Uint8Array(a.buffer, a.byteOffset, a.length);
const int8 = (u: Uint8Array) => new Int8Array(u.buffer, u.byteOffset, u.length);

describe('VectorUnit: element-wise add (the skip connection)', () => {
  it('computes sat8(A + B) (and the fused ReLU) like the reference, with 2 reads + 1 write per word', async () => {
    for (const relu of [false, true]) {
      const { sram, vu, exec } = rig();
      const n = 1000; // 62.5 words: the last is partial
      const A = rand(n, 'a');
      const B = rand(n, 'b');
      sram.poke(0, bytesOf(A));
      sram.poke(16_384, bytesOf(B));
      await exec({ kind: 'add', a: 0, b: 16_384, y: 32_768, bytes: n, relu });
      const Y = int8(sram.peek(32_768, n));
      for (let i = 0; i < n; i++) {
        const s = addSat(A[i]!, B[i]!);
        expect(Y[i]).toBe(relu ? Math.max(0, s) : s);
      }
      const words = Math.ceil(n / 16);
      expect(vu.counters).toMatchObject({ jobs: 1, words, reads: 2 * words, writes: words, ops: n });
      expect(sram.counters).toMatchObject({ reads: 2 * words, writes: words });
    }
  });

  it('arithmetic intensity of the int8 add is 1/3 op per byte', async () => {
    const { vu, exec } = rig();
    await exec({ kind: 'add', a: 0, b: 4096, y: 8192, bytes: 4096 });
    const c = vu.counters;
    expect(c.ops / (c.bytesRead + c.bytesWritten)).toBeCloseTo(1 / 3, 12);
  });

  it('throughput: one word per edge when A, B, Y sit in different banks; n + L + 3 edges', async () => {
    for (const L of [1, 2]) {
      const { sram, vu, exec } = rig({ readLatency: L });
      const n = 256; // words
      // interleaved banks: A word i in bank i mod 4, B in bank i+1, so an edge's two reads never collide
      const edges = await exec({ kind: 'add', a: 0, b: 16_384 + 16, y: 32_768, bytes: n * 16 });
      expect(edges).toBe(1 + n + L + 3);
      expect(sram.counters.conflicts).toBe(0);
      // reads overlap the latency; only the last write's acceptance and retire edges issue nothing
      expect(vu.counters.stallCycles).toBe(2);
    }
  });

  it('A and B in the same bank: the reads collide every edge, but the skew keeps 2 reads per edge (1 edge later)', async () => {
    const L = 1;
    const { sram, exec } = rig({ readLatency: L });
    const n = 256;
    const edges = await exec({ kind: 'add', a: 0, b: 16_384, y: 32_768, bytes: n * 16 });
    expect(sram.counters.conflicts).toBeGreaterThanOrEqual(n - 1);
    expect(edges).toBe(1 + n + L + 4);
  });

  it('a single 1R1W bank has one read port: 2 edges per word', async () => {
    const { exec } = rig({ banks: 1 });
    const n = 256;
    const edges = await exec({ kind: 'add', a: 0, b: 16_384, y: 32_768, bytes: n * 16 });
    expect(edges).toBeGreaterThanOrEqual(2 * n);
    expect(edges).toBeLessThan(2 * n + 10);
  });

  it('a single 1RW bank serves 3 accesses per word: about 3 edges per word', async () => {
    const { exec } = rig({ banks: 1, ports: '1RW' });
    const n = 256;
    const edges = await exec({ kind: 'add', a: 0, b: 16_384, y: 32_768, bytes: n * 16 });
    expect(edges).toBeGreaterThanOrEqual(3 * n);
    expect(edges).toBeLessThan(3 * n + 10);
  });
});

describe('VectorUnit: ReLU and pooling', () => {
  it('relu', async () => {
    const { sram, vu, exec } = rig();
    const X = rand(333, 'x');
    sram.poke(160, bytesOf(X));
    await exec({ kind: 'relu', x: 160, y: 8000, bytes: 333 });
    expect([...int8(sram.peek(8000, 333))]).toEqual([...X].map((v) => Math.max(0, v)));
    expect(vu.counters).toMatchObject({ reads: 21, writes: 21 });
  });

  for (const mode of ['max', 'avg'] as const) {
    it(`${mode} pool 3x3 stride 2 pad 1 over HWC matches a direct reference`, async () => {
      const { sram, vu, exec } = rig();
      const [h, w, c, k, stride, pad] = [7, 6, 32, 3, 2, 1];
      const X = rand(h * w * c, `pool-${mode}`);
      sram.poke(0, bytesOf(X));
      await exec({ kind: 'pool', mode, x: 0, y: 4096, h, w, c, k, stride, pad });
      const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
      const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
      const Y = int8(sram.peek(4096, oh * ow * c));
      let reads = 0;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let inBounds = 0;
          for (let ch = 0; ch < c; ch++) {
            let acc = mode === 'max' ? -128 : 0;
            inBounds = 0;
            for (let ky = 0; ky < k; ky++) {
              for (let kx = 0; kx < k; kx++) {
                const iy = oy * stride - pad + ky;
                const ix = ox * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                inBounds++;
                const v = X[(iy * w + ix) * c + ch]!;
                acc = mode === 'max' ? Math.max(acc, v) : acc + v;
              }
            }
            const q = acc / (k * k);
            const expected = mode === 'max' ? acc : Math.sign(q) * Math.round(Math.abs(q)) + 0; // + 0: no -0
            expect(Y[(oy * ow + ox) * c + ch]).toBe(expected);
          }
          reads += inBounds * (c / 16); // padding is never read
        }
      }
      expect(vu.counters.reads).toBe(reads);
      expect(vu.counters.writes).toBe(oh * ow * (c / 16));
    });
  }
});

describe('VectorUnit: errors name the field', () => {
  it('rejects bad operations and options', () => {
    const { vu } = rig();
    expect(() => vu.run({ kind: 'add', a: 8, b: 0, y: 0, bytes: 16 })).toThrow(/add: a must be a multiple of wordBytes = 16, got 8/);
    expect(() => vu.run({ kind: 'add', a: 0, b: 0, y: 65_520, bytes: 32 })).toThrow(/y \+ 32 bytes \(whole words\) exceeds the SRAM capacity 65536/);
    expect(() => vu.run({ kind: 'relu', x: 0, y: 0, bytes: 0 })).toThrow(/bytes must be an integer >= 1, got 0/);
    expect(() => vu.run({ kind: 'pool', mode: 'max', x: 0, y: 0, h: 4, w: 4, c: 24, k: 2, stride: 2, pad: 0 })).toThrow(
      /c must be a multiple of wordBytes = 16 \(channels fill whole words\), got 24/,
    );
    expect(() => vu.run({ kind: 'pool', mode: 'max', x: 0, y: 0, h: 4, w: 4, c: 16, k: 2, stride: 2, pad: 2 })).toThrow(/pad must be < k/);
    expect(() => vu.run({ kind: 'mul' } as never)).toThrow(/unknown vector op kind 'mul'/);
    expect(() => rig({}, { readsPerCycle: 0 })).toThrow(/VectorUnit readsPerCycle: expected a positive integer, got 0/);
  });
});
