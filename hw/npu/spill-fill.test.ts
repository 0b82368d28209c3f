// The skip connection's memory traffic end to end: X is spilled to DRAM while the vector unit works on
// F(X) through the same SRAM ports, X is filled back, and Y = F(X) + X is computed from SRAM.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { addSat } from '../../testbench/ref/quant.ts';
import { DramController } from './dram-controller.ts';
import { Dma } from './dma.ts';
import { SramBanks } from './sram.ts';
import { VectorUnit } from './vector-unit.ts';

describe('spill X, fill X, add F(X) + X', () => {
  it('computes Y exactly and counts every SRAM and DRAM access; DMA and vector unit contend for ports', async () => {
    const sim = new Simulator();
    const top = new Module(sim, 'npu');
    const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
    const dram = new DramController(top, 'dram', { params: 'ddr4-3200' });
    const sram = new SramBanks(top, 'sram', clk, { capacityBytes: 256 * 1024, wordBytes: 16, banks: 4, ports: '1RW' });
    const dma = new Dma(top, 'dma', clk, dram, sram);
    const vu = new VectorUnit(top, 'vu', clk, sram);
    const n = 16 * 1024;
    const rng = seedrandom('skip');
    const X = Int8Array.from({ length: n }, () => Math.floor(rng() * 256) - 128);
    const FX = Int8Array.from({ length: n }, () => Math.floor(rng() * 256) - 128);
    const x = sram.allocate('x', n);
    const fx = sram.allocate('fx', n);
    const fxr = sram.allocate('fx_relu', n);
    sram.poke(x, new Uint8Array(X.buffer));
    sram.poke(fx, new Uint8Array(FX.buffer));
    await sim.run({ cycles: 1, clock: clk });

    // Spill X while the vector unit applies ReLU to F(X): both use the SRAM's ports.
    const spill = dma.transfer({ dir: 'store', dramAddr: 0, sramAddr: x, bytes: n, name: 'x' });
    const relu = vu.run({ kind: 'relu', x: fx, y: fxr, bytes: n });
    await sim.run({ until: () => dma.isDone(spill) && vu.isDone(relu), clock: clk, cycles: 1e6 });
    sram.free('x');
    const conflictsWhileOverlapped = sram.counters.conflicts;

    const xBack = sram.allocate('x_back', n);
    const fill = dma.transfer({ dir: 'load', dramAddr: 0, sramAddr: xBack, bytes: n, name: 'x' });
    await sim.run({ until: () => dma.isDone(fill), clock: clk, cycles: 1e6 });
    const y = sram.allocate('y', n);
    const add = vu.run({ kind: 'add', a: fxr, b: xBack, y, bytes: n });
    await sim.run({ until: () => vu.isDone(add), clock: clk, cycles: 1e6 });

    const Y = new Int8Array(sram.peek(y, n).buffer);
    for (let i = 0; i < n; i++) expect(Y[i]).toBe(addSat(Math.max(0, FX[i]!), X[i]!));

    const words = n / 16;
    // SRAM: spill reads X, relu reads + writes, fill writes X, add reads 2 + writes 1 per word
    expect(sram.counters.reads).toBe(words + words + 2 * words);
    expect(sram.counters.writes).toBe(words + words + words);
    // DRAM: X crossed the interface twice (the spill/fill cost of a skip connection)
    expect(dram.stats.bytesWritten).toBe(n);
    expect(dram.stats.bytesRead).toBe(n);
    expect(conflictsWhileOverlapped).toBeGreaterThan(0);
    expect(sram.liveHighWater).toBe(4 * n);
    expect(vu.counters.ops / (vu.counters.bytesRead + vu.counters.bytesWritten)).toBeGreaterThan(0.33);
  });
});
