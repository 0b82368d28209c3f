import { ErrorCodes, SimError } from './errors.ts';

/** Time units and their size in femtoseconds. */
const UNIT_FS = { s: 1e15, ms: 1e12, us: 1e9, ns: 1e6, ps: 1e3, fs: 1 } as const;
export type TimeUnit = keyof typeof UNIT_FS;

/** A timescale: one integer time step is `magnitude` x `unit` (magnitude 1, 10 or 100, as VCD allows). */
export interface Timescale {
  magnitude: 1 | 10 | 100;
  unit: TimeUnit;
}

export function parseTimescale(text: string): Timescale {
  const m = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/.exec(text);
  if (!m) {
    throw new SimError({
      code: ErrorCodes.BAD_PARAMETER,
      message: `timescale: expected 1, 10 or 100 followed by s, ms, us, ns, ps or fs (e.g. '1ps'), got '${text}'`,
      hint: "the default '1ps' suits clocks given in ns or ps",
    });
  }
  return { magnitude: Number(m[1]) as 1 | 10 | 100, unit: m[2] as TimeUnit };
}

export function formatTimescale(ts: Timescale): string {
  return `${ts.magnitude}${ts.unit}`;
}

/**
 * Convert `amount` of `unit` into integer time steps of `ts`. A time that the timescale cannot represent
 * exactly is an error, never silently rounded.
 */
export function toSteps(amount: number, unit: TimeUnit, ts: Timescale, what = 'time'): number {
  if (!(unit in UNIT_FS)) {
    throw new SimError({
      code: ErrorCodes.BAD_PARAMETER,
      message: `${what}: unknown time unit '${unit}', expected one of ${Object.keys(UNIT_FS).join(', ')}`,
    });
  }
  const stepFs = ts.magnitude * UNIT_FS[ts.unit];
  const steps = (amount * UNIT_FS[unit]) / stepFs;
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new SimError({
      code: ErrorCodes.BAD_PARAMETER,
      message: `${what}: ${amount} ${unit} is not a whole, non-negative number of ${formatTimescale(ts)} steps (got ${steps})`,
      hint: 'choose a finer timescale or a time that is a multiple of it',
    });
  }
  return steps;
}

/** A count of time steps given without a unit: it must be a whole, non-negative number. */
export function wholeSteps(amount: number, what: string): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new SimError({
      code: ErrorCodes.BAD_PARAMETER,
      message: `${what}: ${amount} is not a whole, non-negative number of time steps`,
    });
  }
  return amount;
}
