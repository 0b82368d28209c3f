import type { SignalOptions } from '../../sim/signal.ts';

/**
 * The payload of one stream beat.
 * - Data mode: `lanes` holds the beat's activations (SIMD/PE lanes of signed values, usually int8).
 * - Timing mode: `lanes` is null; components move beats with exactly the same handshakes and cycles,
 *   which makes sizing of large designs fast (see docs/components.md, "Two modes").
 * - Debug mode: `tag` names the pixel and channel group the beat belongs to, so a join can prove that it
 *   adds matching operands; otherwise null.
 * Beats are immutable: a component makes a new Beat for every value it sends (a signal changes by reference).
 */
export interface Beat {
  readonly lanes: Int8Array | Int32Array | null;
  readonly tag: Tag | null;
  /** End of frame (AXI-Stream TLAST). */
  readonly last: boolean;
}

/** Which pixel and channel group of which frame a beat carries. */
export interface Tag {
  readonly frame: number;
  readonly y: number;
  readonly x: number;
  /** Channel group: channels [group*lanes, (group+1)*lanes). */
  readonly group: number;
}

export function formatTag(t: Tag | null): string {
  return t === null ? '(untagged)' : `frame ${t.frame} y ${t.y} x ${t.x} group ${t.group}`;
}

export function sameTag(a: Tag | null, b: Tag | null): boolean {
  if (a === null || b === null) return a === b;
  return a.frame === b.frame && a.y === b.y && a.x === b.x && a.group === b.group;
}

/**
 * Signal options for a beat-carrying data bus of `lanes` x `bits`: traced as one vector with lane 0 in the
 * least significant bits (two's complement per lane); a timing-mode beat traces as 0.
 */
export function beatSignal(lanes: number, bits: number): SignalOptions<Beat | null> {
  const mask = (1n << BigInt(bits)) - 1n;
  return {
    kind: 'data',
    init: null,
    encode: (b) => {
      if (b === null || b.lanes === null) return 0n;
      let v = 0n;
      for (let i = b.lanes.length - 1; i >= 0; i--) v = (v << BigInt(bits)) | (BigInt(b.lanes[i]!) & mask);
      return v;
    },
    validate: (b) => {
      if (b === null || b.lanes === null) return null;
      if (b.lanes.length !== lanes) return `expected ${lanes} lanes, got ${b.lanes.length}`;
      // An Int8Array cannot leave an 8-bit or wider range: skip the per-lane loop (this runs on every write).
      if (bits >= 8 && b.lanes instanceof Int8Array) return null;
      const lo = -(2 ** (bits - 1));
      const hi = 2 ** (bits - 1) - 1;
      for (let i = 0; i < b.lanes.length; i++) {
        const x = b.lanes[i]!;
        if (x < lo || x > hi) return `lane ${i} holds ${x}, outside the ${bits}-bit range ${lo}..${hi}`;
      }
      return null;
    },
  };
}

/** What a beat-carrying data signal holds: a beat, or null while nothing is offered. */
export type BeatData = Beat | null;

/** A new immutable beat. */
export function makeBeat(lanes: Int8Array | Int32Array | null, tag: Tag | null = null, last = false): Beat {
  return { lanes, tag, last };
}

/** A short, human-readable beat for error messages: tag, last and the first `maxLanes` lanes. */
export function formatBeat(b: Beat | null | undefined, maxLanes = 8): string {
  if (b === null || b === undefined) return String(b);
  let lanes: string;
  if (b.lanes === null) lanes = 'lanes null (timing mode)';
  else {
    const shown = Array.from(b.lanes.subarray(0, maxLanes)).join(', ');
    lanes = `lanes [${shown}${b.lanes.length > maxLanes ? `, ... (${b.lanes.length} lanes)` : ''}]`;
  }
  return `{${formatTag(b.tag)}${b.last ? ', last' : ''}, ${lanes}}`;
}
