/** Bit-exact helpers of the reference Verilog (../shared/reference/hdl/SEMANTICS.md section 2). */

/** 32-bit Galois LFSR step, x^32+x^22+x^2+x+1, right-shifting. */
export function step32(s: number): number {
  return ((s >>> 1) ^ (s & 1 ? 0x80200003 : 0)) >>> 0;
}

/** 16-bit Galois LFSR step, x^16+x^14+x^13+x^11+1; generates the source's data words. */
export function step16(d: number): number {
  return (d >>> 1) ^ (d & 1 ? 0xb400 : 0);
}

/** FNV-1a style checksum over 16-bit words (Math.imul keeps the low 32 bits exact). */
export function fnvStep(csum: number, d: number): number {
  return Math.imul((csum ^ d) >>> 0, 0x01000193) >>> 0;
}

/** The LFSR-driven stall gate: 1 with probability P/16; P = 16 means always. */
export function gate(lfsr: number, p: number): number {
  return (lfsr & 15) < p ? 1 : 0;
}

export const SRC_LFSR_RESET = 0x1badf00d;
export const SRC_DATA_RESET = 0xace1;
export const SNK_LFSR_RESET = 0xc0ffee01;
export const CSUM_RESET = 0x811c9dc5;
