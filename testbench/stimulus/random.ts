/**
 * Seeded randomness for every random stimulus in the project. A failing test prints `rng.seed`
 * and the same seed replays the same stimulus exactly, on any machine.
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** The seed as seedrandom received it (numbers are turned into their decimal string). */
  readonly seed: string;
  /** Uniform float in [0, 1) with 53 bits of randomness. */
  next(): number;
  /** Uniform integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
  /** Uniform integer in the int8 range [-128, 127]. */
  int8(): number;
  /** True with probability p (p in [0, 1]). */
  bool(p?: number): boolean;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(arr: readonly T[]): T;
}

/** Makes a reproducible generator. `makeRng(7)` and `makeRng('7')` give the same stream. */
export function makeRng(seed: string | number): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`makeRng: seed must be a finite number or a string, got ${seed}`);
  }
  const seedText = String(seed);
  const prng = seedrandom(seedText);

  const rng: Rng = {
    seed: seedText,
    next: () => prng.double(),
    int(lo, hi) {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
        throw new RangeError(`rng.int: lo and hi must be safe integers, got lo=${lo}, hi=${hi}`);
      }
      if (lo > hi) throw new RangeError(`rng.int: lo must be <= hi, got lo=${lo}, hi=${hi}`);
      const span = hi - lo + 1;
      // double() has 53 random bits; a wider span would leave some integers unreachable.
      if (span > 2 ** 53) throw new RangeError(`rng.int: span hi-lo+1 must be <= 2^53, got ${span}`);
      return lo + Math.floor(prng.double() * span);
    },
    int8: () => rng.int(-128, 127),
    bool(p = 0.5) {
      if (!(p >= 0 && p <= 1)) throw new RangeError(`rng.bool: p must be in [0, 1], got ${p}`);
      // `<` keeps p=0 always false and p=1 always true, since next() < 1.
      return prng.double() < p;
    },
    pick(arr) {
      if (arr.length === 0) throw new RangeError('rng.pick: array must not be empty');
      return arr[rng.int(0, arr.length - 1)] as (typeof arr)[number];
    },
  };
  return rng;
}

/**
 * A deterministic stream of booleans for valid/ready gaps: each call returns true with
 * probability pValid. pValid must be > 0, since a stream that is never valid (or never ready)
 * would just hang the testbench.
 */
export function gapPattern(rng: Rng, pValid: number): () => boolean {
  if (!(pValid > 0 && pValid <= 1)) {
    throw new RangeError(`gapPattern: pValid must be in (0, 1], got ${pValid}`);
  }
  return () => rng.bool(pValid);
}

/** The first n values of a gap pattern, for tests that want the whole schedule up front. */
export function gapSequence(rng: Rng, pValid: number, n: number): boolean[] {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`gapSequence: n must be a non-negative integer, got ${n}`);
  }
  const next = gapPattern(rng, pValid);
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(next());
  return out;
}
