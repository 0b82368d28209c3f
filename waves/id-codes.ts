/**
 * VCD identifier codes: bijective base 94 over the printable characters `!` (33) .. `~` (126), least
 * significant digit first (`!`..`~`, `!!`, `"!`, ...). This is the dense sequence GTKWave indexes directly
 * (vcd.md §2.1.1), so the n-th declared signal gets the n-th code.
 */

const FIRST = 33; // '!'
const RADIX = 94;
const DOLLAR = 36; // '$'

/** The code of index `n` (0-based) in the plain sequence, without skipping anything. */
export function encodeIdCode(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`id code index must be a non-negative integer, got ${n}`);
  let k = n + 1;
  let s = '';
  while (k > 0) {
    k -= 1;
    s += String.fromCharCode(FIRST + (k % RADIX));
    k = Math.floor(k / RADIX);
  }
  return s;
}

/** Inverse of `encodeIdCode`; throws on characters outside `!`..`~`. */
export function decodeIdCode(code: string): number {
  if (code.length === 0) throw new RangeError('id code must not be empty');
  let n = 0;
  let scale = 1;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < FIRST || c > FIRST + RADIX - 1) {
      throw new RangeError(`id code ${JSON.stringify(code)}: character ${c} is outside '!'..'~'`);
    }
    n += (c - FIRST + 1) * scale;
    scale *= RADIX;
  }
  return n - 1;
}

/**
 * Hands out codes in sequence, skipping every code whose first character is `$`: such a code can be read as
 * a keyword (`$end` is one) by line-based tools (checklist item 15). Costs about 1 code in 94.
 */
export class IdCodeAllocator {
  private next = 0;

  allocate(): string {
    for (;;) {
      const code = encodeIdCode(this.next++);
      if (code.charCodeAt(0) !== DOLLAR) return code;
    }
  }
}
