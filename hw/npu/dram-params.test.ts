import { describe, expect, it } from 'vitest';
import {
  DRAM_PARAMS,
  activateRateLimits,
  banksPerRank,
  burstBytes,
  burstTCK,
  getDramParams,
  peakBandwidthBytesPerSec,
  randomRowMissBound,
  readLatencyTCK,
  refreshOverheadFraction,
  rowBufferBytes,
  sameBankGroupBandwidthBound,
  sequentialBandwidthBound,
  singleBankRowMissBound,
  validateDramParams,
  writeToReadTurnaroundTCK,
} from './dram-params.ts';

const ddr4 = DRAM_PARAMS['ddr4-3200'];
const lp4 = DRAM_PARAMS['lpddr4-3200'];

describe('named parameter sets', () => {
  it('are valid and retrievable by name', () => {
    for (const name of Object.keys(DRAM_PARAMS)) {
      expect(validateDramParams(getDramParams(name)).name).toBe(name);
    }
  });

  it('DDR4-3200 matches DRAMsim3 DDR4_8Gb_x8_3200.ini / Ramulator 2 DDR4_3200AA', () => {
    expect([ddr4.CL, ddr4.tRCD, ddr4.tRP, ddr4.tRAS, ddr4.tRC]).toEqual([22, 22, 22, 52, 74]);
    expect([ddr4.CWL, ddr4.tWR, ddr4.tRTP]).toEqual([16, 24, 12]);
    expect([ddr4.tCCD_S, ddr4.tCCD_L, ddr4.tRRD_S, ddr4.tRRD_L, ddr4.tFAW]).toEqual([4, 8, 4, 8, 34]);
    expect([ddr4.tWTR_S, ddr4.tWTR_L, ddr4.tRFC, ddr4.tREFI]).toEqual([4, 12, 560, 12_480]);
    expect(banksPerRank(ddr4)).toBe(16);
    // 13.75 ns per CL/tRCD/tRP; tRFC = 350 ns; tREFI = 7.8 us
    expect(ddr4.CL * ddr4.tCK_ps).toBe(13_750);
    expect(ddr4.tRFC * ddr4.tCK_ps).toBe(350_000);
    expect(ddr4.tREFI * ddr4.tCK_ps).toBe(7_800_000);
  });

  it('LPDDR4-3200 matches Ramulator LPDDR4_3200 / 8Gb_x16', () => {
    expect([lp4.CL, lp4.tRCD, lp4.tRP, lp4.tRAS, lp4.tRC, lp4.CWL]).toEqual([32, 29, 27, 68, 95, 18]);
    expect([lp4.tCCD_S, lp4.tRRD_S, lp4.tFAW, lp4.tWR, lp4.tWTR_L, lp4.tRTP]).toEqual([8, 16, 64, 28, 16, 14]);
    expect([lp4.tRFC, lp4.tREFI, banksPerRank(lp4)]).toEqual([288, 6_247, 8]);
    expect(lp4.tFAW * lp4.tCK_ps).toBe(40_000); // 40 ns
  });

  it('rejects an unknown name and lists the known ones', () => {
    expect(() => getDramParams('ddr5-4800')).toThrow(/unknown DRAM parameter set 'ddr5-4800'.*ddr4-3200/);
  });

  it('names the offending field and the expectation', () => {
    expect(() => validateDramParams({ ...ddr4, tRC: 60 })).toThrow(/tRC: expected >= tRAS \+ tRP = 74, got 60/);
    expect(() => validateDramParams({ ...ddr4, tCK_ps: 1000 })).toThrow(/dataRateMTps: expected ~2000/);
    expect(() => validateDramParams({ ...ddr4, CL: -1 })).toThrow(/CL:/);
    expect(() => validateDramParams({ ...ddr4, BL: 7 })).toThrow(/BL: expected an even burst length/);
  });
});

describe('derived geometry', () => {
  it('burst and row sizes', () => {
    expect(burstTCK(ddr4)).toBe(4);
    expect(burstBytes(ddr4)).toBe(64);
    expect(rowBufferBytes(ddr4)).toBe(8192); // 8 x 1 KB device pages
    expect(burstTCK(lp4)).toBe(8);
    expect(burstBytes(lp4)).toBe(64); // Ramulator tx = 32 bit x 16n / 8
    expect(rowBufferBytes(lp4)).toBe(4096); // two x16 dies of 2 KB
  });

  it('read latencies: row hit 26, closed 48, conflict 70 tCK on DDR4-3200', () => {
    expect(readLatencyTCK(ddr4, 'hit')).toBe(26);
    expect(readLatencyTCK(ddr4, 'closed')).toBe(48);
    expect(readLatencyTCK(ddr4, 'conflict')).toBe(70);
    expect(writeToReadTurnaroundTCK(ddr4)).toBe(16 + 4 + 12);
  });
});

describe('bandwidth bounds (hand-computed)', () => {
  it('peak = data rate x bus width / 8', () => {
    expect(peakBandwidthBytesPerSec(ddr4)).toBe(25.6e9);
    expect(peakBandwidthBytesPerSec(lp4)).toBe(12.8e9);
    // peak is also burstBytes per burst time: 64 B / (4 x 0.625 ns)
    expect(burstBytes(ddr4) / (burstTCK(ddr4) * ddr4.tCK_ps * 1e-12)).toBeCloseTo(25.6e9, -3);
    // DRAMsim3's rounded tCK = 0.63 ns gives 25.40 GB/s
    expect(64 / (4 * 0.63e-9) / 1e9).toBeCloseTo(25.4, 2);
  });

  it('refresh overhead = tRFC / tREFI: 4.49% DDR4, 4.61% LPDDR4', () => {
    expect(refreshOverheadFraction(ddr4)).toBeCloseTo(560 / 12_480, 12);
    expect(refreshOverheadFraction(ddr4)).toBeCloseTo(0.04487, 5);
    expect(refreshOverheadFraction(lp4)).toBeCloseTo(0.04610, 5);
  });

  it('sequential bound = peak x (1 - refresh)', () => {
    expect(sequentialBandwidthBound(ddr4) / 1e9).toBeCloseTo(24.4513, 4);
    expect(sequentialBandwidthBound(lp4) / 1e9).toBeCloseTo(12.2099, 4);
  });

  it('same-bank-group streaming halves DDR4 (tCCD_L = 2 x BL/2); no effect on LPDDR4', () => {
    expect(sameBankGroupBandwidthBound(ddr4) / 1e9).toBeCloseTo(12.8 * (1 - 560 / 12_480), 6);
    expect(sameBankGroupBandwidthBound(lp4)).toBeCloseTo(sequentialBandwidthBound(lp4), 0);
  });

  it('random row-miss bound is tFAW-limited on DDR4-3200: 4 ACT / 34 tCK', () => {
    const lim = activateRateLimits(ddr4);
    expect(lim.tRC).toBeCloseTo(16 / 74, 12);
    expect(lim.tFAW).toBeCloseTo(4 / 34, 12);
    expect(lim.tRRD_S).toBe(0.25);
    expect(lim.bus).toBe(0.25);
    // 64 B x 4 / (34 x 0.625 ns) = 12.047 GB/s, x (1 - 4.487%) = 11.506 GB/s
    expect(randomRowMissBound(ddr4) / 1e9).toBeCloseTo(11.5066, 3);
    expect(randomRowMissBound(ddr4)).toBeLessThan(sequentialBandwidthBound(ddr4) / 2);
  });

  it('random row-miss bound on LPDDR4-3200: tFAW and tRRD tie at 1 ACT / 16 tCK', () => {
    const lim = activateRateLimits(lp4);
    expect(lim.tFAW).toBe(1 / 16);
    expect(lim.tRRD_S).toBe(1 / 16);
    expect(lim.tRC).toBeCloseTo(8 / 95, 12);
    expect(randomRowMissBound(lp4) / 1e9).toBeCloseTo(6.4 * (1 - 288 / 6_247), 6);
  });

  it('single-bank row misses: one burst per tRC', () => {
    // 64 B / 46.25 ns = 1.3838 GB/s before refresh
    expect(singleBankRowMissBound(ddr4) / 1e9).toBeCloseTo((64 / 46.25) * (1 - 560 / 12_480), 6);
  });

  it('bounds are ordered: single bank < random < sequential <= peak', () => {
    for (const p of Object.values(DRAM_PARAMS)) {
      expect(singleBankRowMissBound(p)).toBeLessThan(randomRowMissBound(p));
      expect(randomRowMissBound(p)).toBeLessThan(sequentialBandwidthBound(p));
      expect(sequentialBandwidthBound(p)).toBeLessThan(peakBandwidthBytesPerSec(p));
    }
  });
});
