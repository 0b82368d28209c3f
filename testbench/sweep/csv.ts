/** The sweep's CSV: one row per point, the columns in a fixed order (docs/fifo-sizing.md describes them). */
import type { SweepRow } from './size-point.ts';

export const CSV_COLUMNS = [
  'block',
  'W',
  'H',
  'C',
  'folding',
  'method',
  'deadlockFreeDepth',
  'fullThroughputDepth',
  'maxOccupancyUnbounded',
  'analyticDepth',
  'sizedDepth',
  'wordBits',
  'totalBits',
  'bytes',
  'bram18',
  'bram36',
  'uram',
  'cheapest',
  'tensorBits',
  'seconds',
] as const satisfies readonly (keyof SweepRow)[];

/** RFC 4180 quoting: only cells with a comma, quote or line break are quoted. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly SweepRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((k) => cell(r[k])).join(','));
  return `${lines.join('\n')}\n`;
}
