/**
 * Memory cost of a FIFO buffer of `depth` words x `wordBits` bits on Xilinx UltraScale+
 * primitives (geometry from shared/reference/fifo-sizing-tools.md section 6). Only the storage
 * array is counted: read/write pointers, flags and read muxes are not.
 *
 * Primitives assumed:
 *   BRAM18   18 Kb block RAM. Simple-dual-port aspect ratios (depth x width):
 *            16Kx1, 8Kx2, 4Kx4, 2Kx9, 1Kx18, 512x36.
 *   BRAM36   36 Kb = 2 x BRAM18. Ratios 32Kx1, 16Kx2, 8Kx4, 4Kx9, 2Kx18, 1Kx36, 512x72 (SDP).
 *            A memory uses one ratio for all its blocks:
 *            count = min over ratios (d, w) of ceil(depth/d) * ceil(wordBits/w).
 *   URAM288  4K x 72:                       ceil(depth/4096) * ceil(wordBits/72).
 *   LUTRAM   RAM64X1D (64 x 1, one write + one read port) = 2 LUTs:
 *                                           2 * ceil(depth/64) * wordBits.
 *   SRL      SRLC32E (32-deep shift register) = 1 LUT:
 *                                           ceil(depth/32) * wordBits.
 *
 * Cost model for `cheapest`: scarcity on a reference device, in LUT-equivalents. A primitive
 * costs the device's LUT count divided by the device's count of that primitive, so "cheapest"
 * means "uses the smallest fraction of the device's pool of that resource". Default device is
 * XCVU9P (1,182,240 LUTs, 4,320 BRAM18 = 2,160 BRAM36, 960 URAM288):
 *   LUT = 1, BRAM18 = 1182240/4320 ~ 273.7, URAM288 = 1182240/960 = 1231.5.
 * A device without URAM gives URAM an infinite cost. Candidates: SRL (only when depth <= 32,
 * where one SRLC32E per bit needs no read mux), LUTRAM, BRAM (in BRAM18 units; bram18 <=
 * 2 * bram36 always, so BRAM36 is never cheaper) and URAM. The lowest cost wins; ties go to
 * the first of srl, lutram, bram, uram.
 */

/** One aspect ratio of a block RAM: `depth` words of `width` bits. */
export interface AspectRatio {
  readonly depth: number;
  readonly width: number;
}

export const BRAM18_RATIOS: readonly AspectRatio[] = [
  { depth: 16384, width: 1 },
  { depth: 8192, width: 2 },
  { depth: 4096, width: 4 },
  { depth: 2048, width: 9 },
  { depth: 1024, width: 18 },
  { depth: 512, width: 36 },
];

export const BRAM36_RATIOS: readonly AspectRatio[] = [
  { depth: 32768, width: 1 },
  { depth: 16384, width: 2 },
  { depth: 8192, width: 4 },
  { depth: 4096, width: 9 },
  { depth: 2048, width: 18 },
  { depth: 1024, width: 36 },
  { depth: 512, width: 72 },
];

export const URAM_DEPTH = 4096;
export const URAM_WIDTH = 72;
export const LUTRAM_DEPTH = 64;
export const LUTS_PER_LUTRAM = 2;
export const SRL_DEPTH = 32;

/** Resource pools of the device that `cheapest` weighs primitives against. */
export interface DeviceBudget {
  readonly name: string;
  readonly luts: number;
  readonly bram18: number;
  /** 0 for parts without UltraRAM. */
  readonly uram: number;
}

export const XCVU9P: DeviceBudget = { name: 'XCVU9P', luts: 1_182_240, bram18: 4_320, uram: 960 };

/** LUT-equivalent weight of one LUT, BRAM18 and URAM288 on `device`. */
export function lutEquivalents(device: DeviceBudget): { lut: number; bram18: number; uram: number } {
  for (const field of ['luts', 'bram18'] as const) checkPositive('lutEquivalents', `device.${field}`, device[field]);
  if (!Number.isSafeInteger(device.uram) || device.uram < 0) {
    throw new RangeError(`lutEquivalents: device.uram must be a non-negative integer, got ${device.uram}`);
  }
  return {
    lut: 1,
    bram18: device.luts / device.bram18,
    uram: device.uram === 0 ? Infinity : device.luts / device.uram,
  };
}

export type Primitive = 'srl' | 'lutram' | 'bram' | 'uram';

export interface CheapestChoice {
  readonly primitive: Primitive;
  /** How many of `unit` it takes. */
  readonly count: number;
  readonly unit: 'LUT' | 'BRAM18' | 'URAM288';
  /** count * the unit's LUT-equivalent weight on the reference device. */
  readonly lutEquivalent: number;
}

/** Primitive counts for one geometry. */
export interface MemoryCounts {
  readonly bits: number;
  /** ceil(bits / 8). */
  readonly bytes: number;
  readonly bram18: number;
  readonly bram36: number;
  readonly uram: number;
  readonly lutramLuts: number;
  readonly srlLuts: number;
  /** FINN's StreamingFIFO BRAM18 estimate, as a cross-check on `bram18` (never lower). */
  readonly finnBram18: number;
  /** FINN's LUT estimate for an RTL/distributed FIFO, including its pointer logic. */
  readonly finnLuts: number;
  readonly cheapest: CheapestChoice;
}

export interface MemoryCost extends MemoryCounts {
  readonly wordBits: number;
  readonly depth: number;
  /** depth rounded up to a power of two, as many FIFO generators do. */
  readonly pow2Depth: number;
  /** The same counts at pow2Depth. */
  readonly pow2: MemoryCounts;
  /** pow2 minus the exact-depth counts: what rounding the depth up costs. */
  readonly pow2Extra: {
    readonly bits: number;
    readonly bram18: number;
    readonly bram36: number;
    readonly uram: number;
    readonly lutramLuts: number;
    readonly srlLuts: number;
    readonly cheapestLutEquivalent: number;
  };
}

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

function checkPositive(fn: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
}

function checkGeometry(fn: string, wordBits: number, depth: number): void {
  checkPositive(fn, 'wordBits', wordBits);
  checkPositive(fn, 'depth', depth);
}

/** Fewest blocks over the given aspect ratios, one ratio for the whole memory. */
export function blocksFor(ratios: readonly AspectRatio[], wordBits: number, depth: number): number {
  checkGeometry('blocksFor', wordBits, depth);
  let best = Infinity;
  for (const r of ratios) best = Math.min(best, ceilDiv(depth, r.depth) * ceilDiv(wordBits, r.width));
  return best;
}

export function bram18Count(wordBits: number, depth: number): number {
  checkGeometry('bram18Count', wordBits, depth);
  return blocksFor(BRAM18_RATIOS, wordBits, depth);
}

export function bram36Count(wordBits: number, depth: number): number {
  checkGeometry('bram36Count', wordBits, depth);
  return blocksFor(BRAM36_RATIOS, wordBits, depth);
}

export function uramCount(wordBits: number, depth: number): number {
  checkGeometry('uramCount', wordBits, depth);
  return ceilDiv(depth, URAM_DEPTH) * ceilDiv(wordBits, URAM_WIDTH);
}

export function lutramLuts(wordBits: number, depth: number): number {
  checkGeometry('lutramLuts', wordBits, depth);
  return LUTS_PER_LUTRAM * ceilDiv(depth, LUTRAM_DEPTH) * wordBits;
}

export function srlLuts(wordBits: number, depth: number): number {
  checkGeometry('srlLuts', wordBits, depth);
  return ceilDiv(depth, SRL_DEPTH) * wordBits;
}

/**
 * FINN's BRAM18 estimate (streamingfifo.py, as quoted in the reference section 6). It always
 * uses one fixed aspect ratio per width band, so it can exceed the true packing optimum.
 */
export function finnBram18(wordBits: number, depth: number): number {
  checkGeometry('finnBram18', wordBits, depth);
  const w = wordBits;
  const d = depth;
  if (w === 1) return ceilDiv(d, 16384);
  if (w === 2) return ceilDiv(d, 8192);
  if (w <= 4) return ceilDiv(d, 4096) * ceilDiv(w, 4);
  if (w <= 9) return ceilDiv(d, 2048) * ceilDiv(w, 9);
  if (w <= 18 || d > 512) return ceilDiv(d, 1024) * ceilDiv(w, 18);
  return ceilDiv(d, 512) * ceilDiv(w, 36);
}

/** FINN's LUT estimate: 2*ceil(log2 d) + ceil(d/32)*ceil(w/2). */
export function finnLuts(wordBits: number, depth: number): number {
  checkGeometry('finnLuts', wordBits, depth);
  return 2 * ceilLog2(depth) + ceilDiv(depth, 32) * ceilDiv(wordBits, 2);
}

function ceilLog2(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits++;
  return bits;
}

/** Smallest power of two >= n (n >= 1). */
export function nextPow2(n: number): number {
  checkPositive('nextPow2', 'n', n);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function cheapestOf(wordBits: number, depth: number, device: DeviceBudget = XCVU9P): CheapestChoice {
  checkGeometry('cheapestOf', wordBits, depth);
  const weight = lutEquivalents(device);
  const candidates: CheapestChoice[] = [];
  if (depth <= SRL_DEPTH) {
    const n = srlLuts(wordBits, depth);
    candidates.push({ primitive: 'srl', count: n, unit: 'LUT', lutEquivalent: n * weight.lut });
  }
  const lr = lutramLuts(wordBits, depth);
  candidates.push({ primitive: 'lutram', count: lr, unit: 'LUT', lutEquivalent: lr * weight.lut });
  const b = bram18Count(wordBits, depth);
  candidates.push({ primitive: 'bram', count: b, unit: 'BRAM18', lutEquivalent: b * weight.bram18 });
  const u = uramCount(wordBits, depth);
  candidates.push({ primitive: 'uram', count: u, unit: 'URAM288', lutEquivalent: u * weight.uram });

  let best = candidates[0]!;
  for (const c of candidates) if (c.lutEquivalent < best.lutEquivalent) best = c; // strict: ties keep the earlier
  return best;
}

function counts(wordBits: number, depth: number, device: DeviceBudget): MemoryCounts {
  const bits = wordBits * depth;
  return {
    bits,
    bytes: ceilDiv(bits, 8),
    bram18: bram18Count(wordBits, depth),
    bram36: bram36Count(wordBits, depth),
    uram: uramCount(wordBits, depth),
    lutramLuts: lutramLuts(wordBits, depth),
    srlLuts: srlLuts(wordBits, depth),
    finnBram18: finnBram18(wordBits, depth),
    finnLuts: finnLuts(wordBits, depth),
    cheapest: cheapestOf(wordBits, depth, device),
  };
}

/**
 * The full report for a FIFO of `depth` words of `wordBits` bits (both positive integers);
 * `device` only affects `cheapest`.
 */
export function memoryCost(wordBits: number, depth: number, device: DeviceBudget = XCVU9P): MemoryCost {
  checkGeometry('memoryCost', wordBits, depth);
  const pow2Depth = nextPow2(depth);
  if (!Number.isSafeInteger(wordBits * pow2Depth)) {
    throw new RangeError(`memoryCost: wordBits * pow2Depth = ${wordBits} * ${pow2Depth} exceeds 2^53`);
  }
  const exact = counts(wordBits, depth, device);
  const pow2 = counts(wordBits, pow2Depth, device);
  return {
    wordBits,
    depth,
    ...exact,
    pow2Depth,
    pow2,
    pow2Extra: {
      bits: pow2.bits - exact.bits,
      bram18: pow2.bram18 - exact.bram18,
      bram36: pow2.bram36 - exact.bram36,
      uram: pow2.uram - exact.uram,
      lutramLuts: pow2.lutramLuts - exact.lutramLuts,
      srlLuts: pow2.srlLuts - exact.srlLuts,
      cheapestLutEquivalent: pow2.cheapest.lutEquivalent - exact.cheapest.lutEquivalent,
    },
  };
}
