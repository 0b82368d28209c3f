import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { checkDramLog } from './dram-checker.ts';
import { DramController } from './dram-controller.ts';
import { DRAM_PARAMS, sequentialBandwidthBound, type DramName } from './dram-params.ts';
import { Dma, DramImage, type DmaOptions, type DmaTransferSpec } from './dma.ts';
import { SramBanks, type SramOptions } from './sram.ts';

/** NPU at 1 GHz (SRAM, DMA) and the DRAM controller in its own 1.6 GHz domain. */
function rig(sramOpts: Partial<SramOptions> = {}, dmaOpts: DmaOptions = {}, dram: DramName = 'ddr4-3200') {
  const sim = new Simulator();
  const top = new Module(sim, 'npu');
  const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
  const ctrl = new DramController(top, 'dram', { params: dram, logCommands: true });
  const sram = new SramBanks(top, 'sram', clk, { capacityBytes: 1 << 20, wordBytes: 16, banks: 4, ports: '1R1W', ...sramOpts });
  const dma = new Dma(top, 'dma', clk, ctrl, sram, dmaOpts);
  /** Run one transfer from an idle start; returns its duration in ns (issue edge to isDone edge). */
  const exec = async (spec: DmaTransferSpec) => {
    await sim.run({ cycles: 1, clock: clk });
    const t0 = sim.time;
    const t = dma.transfer(spec);
    await sim.run({ until: () => dma.isDone(t), clock: clk, cycles: 10_000_000 });
    return (sim.time - t0) / 1000;
  };
  return { sim, clk, ctrl, sram, dma, exec };
}

const random = (n: number, seed: string) => {
  const rng = seedrandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
};

describe('Dma: spill and fill', () => {
  it('a tensor stored to DRAM and loaded back is bit-identical (partial last burst, two clock domains)', async () => {
    const { ctrl, sram, dma, exec } = rig();
    const n = 10_000; // 156 bursts + 16 bytes
    const x = random(n, 'x');
    sram.poke(0, x);
    await exec({ dir: 'store', dramAddr: 1 << 20, sramAddr: 0, bytes: n, name: 'x' });
    expect(dma.image.read(1 << 20, n)).toEqual(x);
    await exec({ dir: 'load', dramAddr: 1 << 20, sramAddr: 200_000, bytes: n, name: 'x' });
    expect(sram.peek(200_000, n)).toEqual(x);
    const bursts = Math.ceil(n / 64);
    expect(dma.counters).toMatchObject({ transfers: 2, bursts: 2 * bursts, bytesStored: n, bytesLoaded: n });
    expect(ctrl.stats).toMatchObject({ writes: bursts, reads: bursts });
    // every SRAM word of the tensor was read once (store) and written once (load)
    expect(sram.counters).toMatchObject({ reads: Math.ceil(n / 16), writes: Math.ceil(n / 16) });
    expect(checkDramLog(DRAM_PARAMS['ddr4-3200'], ctrl.commandLog!).violations).toEqual([]);
  });

  for (const dram of ['ddr4-3200', 'lpddr4-3200'] as const) {
    it(`${dram}: a 256 KiB fill with a wide SRAM runs at the DRAM's sequential rate (DRAM-bound)`, async () => {
      // SRAM side: 4 words of 16 B per 1 ns edge = 64 GB/s, well above the DRAM's peak.
      const { dma, exec } = rig({}, { maxOutstanding: 32 }, dram);
      const bytes = 256 * 1024;
      const ns = await exec({ dir: 'load', dramAddr: 0, sramAddr: 0, bytes });
      const gbps = bytes / ns;
      const bound = sequentialBandwidthBound(DRAM_PARAMS[dram]) / 1e9;
      expect(gbps).toBeGreaterThan(0.85 * bound);
      expect(gbps).toBeLessThan(DRAM_PARAMS[dram].dataRateMTps * (DRAM_PARAMS[dram].busWidthBits / 8) / 1000);
      expect(dma.counters.dramWaitCycles).toBeGreaterThan(dma.counters.sramWaitCycles);
    });
  }

  it('a narrow SRAM port (8 B per edge = 8 GB/s) bounds a store below the DRAM rate (SRAM-bound)', async () => {
    const { exec } = rig({ wordBytes: 8, banks: 1 });
    const bytes = 64 * 1024;
    const ns = await exec({ dir: 'store', dramAddr: 0, sramAddr: 0, bytes });
    const gbps = bytes / ns;
    expect(gbps).toBeLessThanOrEqual(8);
    expect(gbps).toBeGreaterThan(7.5);
  });

  it('too few bursts in flight leave the DRAM latency exposed', async () => {
    const { exec } = rig({}, { maxOutstanding: 1 });
    const bytes = 16 * 1024;
    const gbps = bytes / (await exec({ dir: 'load', dramAddr: 0, sramAddr: 0, bytes }));
    // one burst per round trip: ~ 64 B / (sync + CL + BL/2 + SRAM write + retire) ~ 64 B / 20+ ns
    expect(gbps).toBeLessThan(4);
  });

  it('DramImage reads unwritten bytes as zeros and writes across bursts', () => {
    const img = new DramImage(64);
    img.write(60, Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect([...img.read(58, 10)]).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 0, 0]);
  });

  it('rejects bad transfers naming the field', () => {
    const { dma } = rig();
    expect(() => dma.transfer({ dir: 'load', dramAddr: 32, sramAddr: 0, bytes: 64 })).toThrow(/dramAddr must be a multiple of the 64-byte burst, got 32/);
    expect(() => dma.transfer({ dir: 'load', dramAddr: 0, sramAddr: 8, bytes: 64, name: 'x' })).toThrow(/transfer 'x': sramAddr must be a multiple of wordBytes = 16, got 8/);
    expect(() => dma.transfer({ dir: 'store', dramAddr: 0, sramAddr: (1 << 20) - 16, bytes: 64 })).toThrow(/exceeds the SRAM capacity/);
    expect(() => dma.transfer({ dir: 'store', dramAddr: 0, sramAddr: 0, bytes: 0 })).toThrow(/bytes must be a positive integer, got 0/);
    expect(() => dma.transfer({ dir: 'copy' as never, dramAddr: 0, sramAddr: 0, bytes: 64 })).toThrow(/dir must be 'load' or 'store'/);
    expect(() => rig({ wordBytes: 48, capacityBytes: 48 * 1024 })).toThrow(/SRAM wordBytes \(48\) must divide the DRAM burst \(64 bytes\)/);
    expect(() => rig({}, { maxOutstanding: 0 })).toThrow(/Dma maxOutstanding: expected an integer >= 1, got 0/);
  });
});
