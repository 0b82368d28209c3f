/**
 * The `$timescale` values IEEE 1364 allows: 1, 10 or 100 of s/ms/us/ns/ps/fs (checklist item 3). GTKWave
 * silently misreads anything else (`3ns` scales by 3 in the viewer but becomes `1s` in vcd2fst), so both the
 * writer and the reader refuse it.
 */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns' | 'ps' | 'fs';

export interface Timescale {
  magnitude: 1 | 10 | 100;
  unit: TimeUnit;
}

const UNITS: readonly TimeUnit[] = ['s', 'ms', 'us', 'ns', 'ps', 'fs'];

/** Parse `1ps`, `10 ns`, `100us`; returns null when the text is not a legal timescale. */
export function parseTimescale(text: string): Timescale | null {
  const m = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/.exec(text);
  if (!m) return null;
  return { magnitude: Number(m[1]) as 1 | 10 | 100, unit: m[2] as TimeUnit };
}

export function formatTimescale(ts: Timescale): string {
  return `${ts.magnitude}${ts.unit}`;
}

export function isTimeUnit(s: string): s is TimeUnit {
  return (UNITS as readonly string[]).includes(s);
}
