/** Byte-level encoding of VCD values into a Buffer: the VCD writer's hot path. */

export const NL = 10;
export const SP = 32;
export const CH_0 = 48;
export const CH_B = 98; // 'b'
export const CH_R = 114; // 'r'
export const CH_X = 120; // 'x'
export const CH_HASH = 35; // '#'

/** NIBBLE[n]: the four ASCII binary digits of n, MSB first, packed for a little-endian setUint32. */
const NIBBLE = new Uint32Array(16);
for (let n = 0; n < 16; n++) {
  NIBBLE[n] = (CH_0 + ((n >> 3) & 1)) | ((CH_0 + ((n >> 2) & 1)) << 8) | ((CH_0 + ((n >> 1) & 1)) << 16) | ((CH_0 + (n & 1)) << 24);
}

/**
 * Binary digits of an unsigned 32-bit number, MSB first: all 32 when `full`, else without leading zeros
 * ('0' for zero). Whole nibbles go out as one 4-byte store, which is most of the writer's speed on buses.
 */
export function writeBinary32(view: DataView<ArrayBufferLike>, buf: Buffer, p: number, v: number, full: boolean): number {
  let b: number;
  if (full) b = 31;
  else {
    if (v === 0) {
      buf[p] = CH_0;
      return p + 1;
    }
    b = 31 - Math.clz32(v);
    while ((b & 3) !== 3) buf[p++] = CH_0 + ((v >>> b--) & 1);
  }
  for (; b >= 3; b -= 4) {
    view.setUint32(p, NIBBLE[(v >>> (b - 3)) & 15]!, true);
    p += 4;
  }
  return p;
}

export function writeDecimal(buf: Buffer, p: number, v: number): number {
  if (v < 10) {
    buf[p] = CH_0 + v;
    return p + 1;
  }
  let digits = 0;
  for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
  let q = p + digits;
  for (let t = v; q > p; t = Math.floor(t / 10)) buf[--q] = CH_0 + (t % 10);
  return p + digits;
}

export function writeAscii(buf: Buffer, p: number, s: string): number {
  for (let k = 0; k < s.length; k++) buf[p++] = s.charCodeAt(k);
  return p;
}

/** JS String() round-trips every double; NaN and infinities as the lowercase words GTKWave's %lg reads. */
export function formatReal(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}
