import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { formatBeat, formatTag, sameTag, type Beat } from '../../hw/stream/beat.ts';

export interface ScoreboardOptions {
  /** The beats the design should produce, in order. */
  expected: readonly Beat[];
  /** Compare counts, tags and last only (timing mode, where lanes are null). */
  timingOnly?: boolean;
  /** The stimulus seed(s), printed in every failure so a run can be replayed. */
  seed?: string | number;
  label?: string;
}

export type MismatchField = 'count' | 'tag' | 'last' | 'lanes' | 'lane-count' | 'mode';

/** The first difference between expected and received beats. */
export interface BeatMismatch {
  /** Index of the beat in the stream (0-based). */
  index: number;
  field: MismatchField;
  expected: Beat | null;
  actual: Beat | null;
  /** For field 'lanes': the first differing lane. */
  lane?: number;
  message: string;
}

/**
 * Scoreboard: compares received beats with expected ones, in order. Use it live (`push` each beat, e.g.
 * from a StreamMonitor) or after the run (`check(received)`). The first mismatch is kept and reported with
 * its index, the expected and actual tags (the pixel position) and lanes, and the seed.
 */
export class Scoreboard {
  readonly expected: readonly Beat[];
  readonly timingOnly: boolean;
  readonly seed: string | undefined;
  readonly label: string;
  private received = 0;
  mismatch: BeatMismatch | null = null;
  mismatchCount = 0;

  constructor(options: ScoreboardOptions) {
    this.expected = options.expected;
    this.timingOnly = options.timingOnly ?? false;
    this.seed = options.seed === undefined ? undefined : String(options.seed);
    this.label = options.label ?? 'scoreboard';
  }

  /** Compare the next received beat; returns the mismatch for this beat, or null. */
  push(actual: Beat): BeatMismatch | null {
    const i = this.received++;
    const m = this.compare(i, actual);
    if (m !== null) {
      this.mismatchCount++;
      this.mismatch ??= m;
    }
    return m;
  }

  /** Beats received so far. */
  get count(): number {
    return this.received;
  }

  /** After the run: every expected beat arrived and nothing else did. */
  finish(): BeatMismatch | null {
    if (this.mismatch === null && this.received !== this.expected.length) {
      const i = Math.min(this.received, this.expected.length);
      this.mismatch = this.make(i, 'count', this.expected[i] ?? null, null, `received ${this.received} beats, expected ${this.expected.length}`);
      this.mismatchCount++;
    }
    return this.mismatch;
  }

  /** Compare a whole received list (counts included); returns the first mismatch or null. */
  check(received: readonly Beat[]): BeatMismatch | null {
    for (const b of received) this.push(b);
    return this.finish();
  }

  /** `check` and throw a CHECK_FAILED SimError on the first mismatch. */
  assertMatches(received: readonly Beat[]): void {
    const m = this.check(received);
    if (m !== null) throw new SimError({ code: ErrorCodes.CHECK_FAILED, message: m.message, hint: 'replay with the same seed to reproduce' });
  }

  private compare(i: number, a: Beat): BeatMismatch | null {
    const e = this.expected[i];
    if (e === undefined) return this.make(i, 'count', null, a, `unexpected extra beat ${formatBeat(a)}: only ${this.expected.length} expected`);
    if (!sameTag(e.tag, a.tag)) return this.make(i, 'tag', e, a, `tag ${formatTag(a.tag)}, expected ${formatTag(e.tag)}`);
    if (e.last !== a.last) return this.make(i, 'last', e, a, `last = ${a.last}, expected ${e.last}`);
    if (this.timingOnly) return null;
    const el = e.lanes;
    const al = a.lanes;
    if (el === null || al === null) {
      if (el !== al) return this.make(i, 'mode', e, a, `lanes ${al === null ? 'null (timing mode)' : 'present'}, expected ${el === null ? 'null' : 'lanes'}`);
      return null;
    }
    if (el.length !== al.length) return this.make(i, 'lane-count', e, a, `${al.length} lanes, expected ${el.length}`);
    for (let k = 0; k < el.length; k++) {
      if (el[k] !== al[k]) return this.make(i, 'lanes', e, a, `lane ${k} = ${al[k]}, expected ${el[k]}`, k);
    }
    return null;
  }

  private make(index: number, field: MismatchField, expected: Beat | null, actual: Beat | null, what: string, lane?: number): BeatMismatch {
    const where = expected?.tag ?? actual?.tag ?? null;
    const message =
      `${this.label}: beat ${index}${where ? ` (${formatTag(where)})` : ''}: ${what}; ` +
      `expected ${formatBeat(expected)}, actual ${formatBeat(actual)}` +
      (this.seed !== undefined ? ` [seed ${this.seed}]` : '');
    const m: BeatMismatch = { index, field, expected, actual, message };
    if (lane !== undefined) m.lane = lane;
    return m;
  }
}
