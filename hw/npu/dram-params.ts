// Named DRAM parameter sets and the analytic bandwidth bounds a DRAM controller model must respect.
// Timings are in tCK of the DRAM clock (not the data rate); see /work/shared/reference/npu-memory.md §3.
import { z } from 'zod';

export type DramName = 'ddr4-3200' | 'lpddr4-3200';

export interface DramParams {
  readonly name: string;
  readonly standard: 'DDR4' | 'LPDDR4';
  /** Where the numbers come from (config file / preset). */
  readonly source: string;
  // --- clock and interface ---
  /** DRAM clock period in picoseconds. */
  readonly tCK_ps: number;
  /** Transfers per second on the data bus, in MT/s (2 per clock: DDR). */
  readonly dataRateMTps: number;
  /** Width of the channel data bus in bits (devices per rank x device width). */
  readonly busWidthBits: number;
  readonly deviceWidthBits: number;
  /** Burst length in transfers; a burst holds the bus for BL/2 tCK. */
  readonly BL: number;
  // --- organisation (per rank) ---
  readonly ranks: number;
  readonly bankGroups: number;
  readonly banksPerGroup: number;
  readonly rows: number;
  /** Columns per row of one device (each deviceWidthBits wide). */
  readonly columns: number;
  // --- timing, in tCK ---
  readonly CL: number;
  readonly CWL: number;
  readonly tRCD: number;
  readonly tRP: number;
  readonly tRAS: number;
  readonly tRC: number;
  readonly tRRD_S: number;
  readonly tRRD_L: number;
  readonly tFAW: number;
  readonly tCCD_S: number;
  readonly tCCD_L: number;
  readonly tWR: number;
  readonly tWTR_S: number;
  readonly tWTR_L: number;
  readonly tRTP: number;
  /** All-bank refresh cycle time. */
  readonly tRFC: number;
  readonly tREFI: number;
}

/**
 * DDR4-3200AA (22-22-22), 8 Gb x8 devices, one rank of 8 devices on a x64 channel.
 * DRAMsim3 configs/DDR4_8Gb_x8_3200.ini and Ramulator 2 DDR4_3200AA agree on every timing.
 * tCK: Ramulator 2 uses 625 ps (exactly 3200 MT/s); DRAMsim3 rounds it to 0.63 ns (25.40 GB/s peak).
 * tRC is not in the DRAMsim3 file: tRAS + tRP = 74, Ramulator 2's value.
 * tRFC 560 tCK = 350 ns = JEDEC tRFC1 for 8 Gb; tREFI 12,480 tCK = 7.8 us.
 * DRAMsim3's 16 GB channel would hold 2 ranks; we model 1 (the single-rank peak is the same).
 */
const DDR4_3200: DramParams = {
  name: 'ddr4-3200',
  standard: 'DDR4',
  source: 'DRAMsim3 configs/DDR4_8Gb_x8_3200.ini; Ramulator 2 DDR4_3200AA / DDR4_8Gb_x8',
  tCK_ps: 625,
  dataRateMTps: 3200,
  busWidthBits: 64,
  deviceWidthBits: 8,
  BL: 8,
  ranks: 1,
  bankGroups: 4,
  banksPerGroup: 4,
  rows: 65_536,
  columns: 1_024,
  CL: 22,
  CWL: 16,
  tRCD: 22,
  tRP: 22,
  tRAS: 52,
  tRC: 74,
  tRRD_S: 4,
  tRRD_L: 8,
  tFAW: 34,
  tCCD_S: 4,
  tCCD_L: 8,
  tWR: 24,
  tWTR_S: 4,
  tWTR_L: 12,
  tRTP: 12,
  tRFC: 560,
  tREFI: 12_480,
};

/**
 * LPDDR4-3200, 8 Gb x16 dies, Ramulator 1 src/LPDDR4.{h,cpp} (speed LPDDR4_3200, org LPDDR4_8Gb_x16).
 * Ramulator's channel_width = 32 (two x16 dies), 16n prefetch: BL16 -> 8 tCK per burst, 64 B per burst.
 * LPDDR4 has no bank groups: the _S and _L variants of tRRD, tCCD, tWTR are equal.
 * tRP is the per-bank value nRPpb = 27 (all-bank nRPab = 32). CL = 29 + 3 (Ramulator's conversion
 * "as if all commands take only 1 cycle"); CWL = 18 is, per Ramulator's own comment, "made up".
 * tRFC is all-bank nRFCab = 288 (180 ns); per-bank refresh (nRFCpb = 144) is not modelled here.
 * tREFI 6,247 tCK = 3.9 us.
 */
const LPDDR4_3200: DramParams = {
  name: 'lpddr4-3200',
  standard: 'LPDDR4',
  source: 'Ramulator 1 src/LPDDR4.h speed_table[LPDDR4_3200], org LPDDR4_8Gb_x16, channel_width 32',
  tCK_ps: 625,
  dataRateMTps: 3200,
  busWidthBits: 32,
  deviceWidthBits: 16,
  BL: 16,
  ranks: 1,
  bankGroups: 1,
  banksPerGroup: 8,
  rows: 32_768,
  columns: 1_024,
  CL: 32,
  CWL: 18,
  tRCD: 29,
  tRP: 27,
  tRAS: 68,
  tRC: 95,
  tRRD_S: 16,
  tRRD_L: 16,
  tFAW: 64,
  tCCD_S: 8,
  tCCD_L: 8,
  tWR: 28,
  tWTR_S: 16,
  tWTR_L: 16,
  tRTP: 14,
  tRFC: 288,
  tREFI: 6_247,
};

export const DRAM_PARAMS: Readonly<Record<DramName, DramParams>> = Object.freeze({
  'ddr4-3200': DDR4_3200,
  'lpddr4-3200': LPDDR4_3200,
});

export function getDramParams(name: string): DramParams {
  const p = (DRAM_PARAMS as Record<string, DramParams>)[name];
  if (!p) {
    throw new Error(`unknown DRAM parameter set '${name}': expected one of ${Object.keys(DRAM_PARAMS).join(', ')}`);
  }
  return p;
}

const positiveInt = z.number().int().positive();
const dramSchema = z.object({
  name: z.string().min(1),
  standard: z.enum(['DDR4', 'LPDDR4']),
  source: z.string(),
  tCK_ps: z.number().positive(),
  dataRateMTps: z.number().positive(),
  busWidthBits: positiveInt.refine((v) => v % 8 === 0, 'expected a multiple of 8 bits'),
  deviceWidthBits: positiveInt,
  BL: positiveInt.refine((v) => v % 2 === 0, 'expected an even burst length (2 transfers per tCK)'),
  ranks: positiveInt,
  bankGroups: positiveInt,
  banksPerGroup: positiveInt,
  rows: positiveInt,
  columns: positiveInt,
  CL: positiveInt,
  CWL: positiveInt,
  tRCD: positiveInt,
  tRP: positiveInt,
  tRAS: positiveInt,
  tRC: positiveInt,
  tRRD_S: positiveInt,
  tRRD_L: positiveInt,
  tFAW: positiveInt,
  tCCD_S: positiveInt,
  tCCD_L: positiveInt,
  tWR: positiveInt,
  tWTR_S: positiveInt,
  tWTR_L: positiveInt,
  tRTP: positiveInt,
  tRFC: positiveInt,
  tREFI: positiveInt,
});

/**
 * Checks a (possibly user-supplied) parameter set: field types, then the relations a controller
 * relies on. Throws one error listing every problem, each naming the field and what was expected.
 */
export function validateDramParams(input: unknown): DramParams {
  const parsed = dramSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid DRAM parameters:\n${lines.join('\n')}`);
  }
  const p = parsed.data;
  const errs: string[] = [];
  const expectedRate = 2e6 / p.tCK_ps; // DDR: 2 transfers per clock; 1e12 ps/s / 1e6 -> MT/s
  if (Math.abs(expectedRate - p.dataRateMTps) > 0.01 * p.dataRateMTps) {
    errs.push(`dataRateMTps: expected ~${expectedRate.toFixed(1)} (2 / tCK_ps), got ${p.dataRateMTps}`);
  }
  if (p.busWidthBits % p.deviceWidthBits !== 0) {
    errs.push(`busWidthBits: expected a multiple of deviceWidthBits (${p.deviceWidthBits}), got ${p.busWidthBits}`);
  }
  if (p.tRC < p.tRAS + p.tRP) errs.push(`tRC: expected >= tRAS + tRP = ${p.tRAS + p.tRP}, got ${p.tRC}`);
  if (p.tRAS < p.tRCD) errs.push(`tRAS: expected >= tRCD (${p.tRCD}), got ${p.tRAS}`);
  if (p.tRRD_L < p.tRRD_S) errs.push(`tRRD_L: expected >= tRRD_S (${p.tRRD_S}), got ${p.tRRD_L}`);
  if (p.tCCD_L < p.tCCD_S) errs.push(`tCCD_L: expected >= tCCD_S (${p.tCCD_S}), got ${p.tCCD_L}`);
  if (p.tWTR_L < p.tWTR_S) errs.push(`tWTR_L: expected >= tWTR_S (${p.tWTR_S}), got ${p.tWTR_L}`);
  if (p.tCCD_S < p.BL / 2) errs.push(`tCCD_S: expected >= BL/2 = ${p.BL / 2} (a burst's bus time), got ${p.tCCD_S}`);
  if (p.tFAW < p.tRRD_S) errs.push(`tFAW: expected >= tRRD_S (${p.tRRD_S}), got ${p.tFAW}`);
  if (p.tREFI <= p.tRFC) errs.push(`tREFI: expected > tRFC (${p.tRFC}), got ${p.tREFI}`);
  if (errs.length > 0) throw new Error(`invalid DRAM parameters '${p.name}':\n  ${errs.join('\n  ')}`);
  return p;
}

// ---------------------------------------------------------------- derived quantities

export function banksPerRank(p: DramParams): number {
  return p.bankGroups * p.banksPerGroup;
}

/** tCK the data bus is busy per burst: BL transfers at 2 per clock. */
export function burstTCK(p: DramParams): number {
  return p.BL / 2;
}

/** Bytes moved by one burst: bus width x burst length (64 B for DDR4 x64 BL8 and LPDDR4 x32 BL16). */
export function burstBytes(p: DramParams): number {
  return (p.busWidthBits / 8) * p.BL;
}

/** Row (page) size seen by the channel: every device of the rank opens `columns` x its width. */
export function rowBufferBytes(p: DramParams): number {
  return (p.columns * p.busWidthBits) / 8;
}

export function tckSeconds(p: DramParams): number {
  return p.tCK_ps * 1e-12;
}

/** Peak = data rate x bus width / 8 (DDR4-3200 x64: 3200e6 x 8 B = 25.6 GB/s). */
export function peakBandwidthBytesPerSec(p: DramParams): number {
  return p.dataRateMTps * 1e6 * (p.busWidthBits / 8);
}

/** Fraction of time a rank is blocked by all-bank refresh: tRFC out of every tREFI. */
export function refreshOverheadFraction(p: DramParams): number {
  return p.tRFC / p.tREFI;
}

/**
 * Streaming bound. Sequential bursts that rotate over bank groups can be issued every tCCD_S = BL/2
 * tCK, so the bus is 100% busy and row opens are hidden behind other banks; only refresh steals time:
 *   B_seq = peak x (1 - tRFC / tREFI).
 */
export function sequentialBandwidthBound(p: DramParams): number {
  return peakBandwidthBytesPerSec(p) * (1 - refreshOverheadFraction(p));
}

/**
 * Streaming confined to one bank group (e.g. a bad address mapping): column commands are spaced by
 * tCCD_L instead of BL/2, so B = burstBytes / (tCCD_L x tCK) x (1 - refresh). DDR4: half the peak.
 */
export function sameBankGroupBandwidthBound(p: DramParams): number {
  const perBurst = Math.max(p.tCCD_L, burstTCK(p)) * tckSeconds(p);
  return (burstBytes(p) / perBurst) * (1 - refreshOverheadFraction(p));
}

/**
 * Every access misses the row buffer (random rows, one burst per activate). Activates per tCK are
 * capped by four independent limits, and each ACT yields one burst:
 *   - each bank cycles ACT->ACT in tRC:               banks x ranks / tRC
 *   - at most 4 ACTs per rank in any tFAW window:     4 x ranks / tFAW
 *   - consecutive ACTs to different bank groups:      ranks / tRRD_S
 *   - the data bus carries one burst per BL/2 tCK:    1 / (BL/2)
 *   B_rand = burstBytes / tCK x min(...) x (1 - tRFC / tREFI).
 * DDR4-3200: min(16/74, 4/34, 1/4, 1/4) = 4/34 -> tFAW-limited, 11.50 GB/s.
 */
export function randomRowMissBound(p: DramParams): number {
  return (burstBytes(p) / tckSeconds(p)) * randomActivateRatePerTCK(p) * (1 - refreshOverheadFraction(p));
}

/** The ACT-rate limit behind randomRowMissBound, in activates per tCK, and which limit binds. */
export function randomActivateRatePerTCK(p: DramParams): number {
  return Math.min(...Object.values(activateRateLimits(p)));
}

export function activateRateLimits(p: DramParams): { tRC: number; tFAW: number; tRRD_S: number; bus: number } {
  return {
    tRC: (banksPerRank(p) * p.ranks) / p.tRC,
    tFAW: (4 * p.ranks) / p.tFAW,
    tRRD_S: p.ranks / p.tRRD_S,
    bus: 1 / burstTCK(p),
  };
}

/** One bank, every access a row miss: one burst per tRC. The worst case for a single open stream. */
export function singleBankRowMissBound(p: DramParams): number {
  return (burstBytes(p) / (p.tRC * tckSeconds(p))) * (1 - refreshOverheadFraction(p));
}

export type RowState = 'hit' | 'closed' | 'conflict';

/**
 * Read latency from request to the last data beat for an idle controller (npu-memory.md §3.5):
 *   hit: CL + BL/2;  closed bank: tRCD + CL + BL/2;  conflict: tRP + tRCD + CL + BL/2.
 * DDR4-3200: 26 / 48 / 70 tCK.
 */
export function readLatencyTCK(p: DramParams, state: RowState): number {
  const cas = p.CL + burstTCK(p);
  switch (state) {
    case 'hit':
      return cas;
    case 'closed':
      return p.tRCD + cas;
    case 'conflict':
      return p.tRP + p.tRCD + cas;
  }
}

/** Write-to-read turnaround on one rank: last write data (CWL + BL/2) then tWTR_L (same bank group). */
export function writeToReadTurnaroundTCK(p: DramParams): number {
  return p.CWL + burstTCK(p) + p.tWTR_L;
}
