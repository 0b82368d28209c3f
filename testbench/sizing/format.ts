/** The readable (non-JSON) form of a sizing report: a summary of each FIFO and a memory table. */
import type { MemoryCost, MemoryCounts } from './memory-cost.ts';
import type { FifoSizing, SizingReport } from './size-fifo.ts';

const n = (v: number): string => v.toLocaleString('en-US');

/** Align columns: the first left, the numeric ones right, the last (a note) left when `note`. */
function pad(rows: string[][], note = false): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const last = rows[0]!.length - 1;
  return rows.map((r) => r.map((c, i) => (i === 0 || (note && i === last) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

function cheapest(m: MemoryCounts): string {
  const c = m.cheapest;
  return `${c.primitive} (${n(c.count)} ${c.unit})`;
}

function memRow(label: string, depth: number, m: MemoryCounts): string[] {
  return [label, n(depth), n(m.bits), n(m.bram18), n(m.bram36), n(m.uram), n(m.lutramLuts), n(m.srlLuts), cheapest(m)];
}

function memoryTable(f: FifoSizing): string[] {
  const m: MemoryCost = f.memory;
  const rows: string[][] = [
    [`memory (${f.wordBits}-bit words)`, 'depth', 'bits', 'BRAM18', 'BRAM36', 'URAM', 'LUTRAM LUTs', 'SRL LUTs', 'cheapest'],
    memRow('full-throughput depth', m.depth, m),
    memRow('  rounded up to 2^k', m.pow2Depth, m.pow2),
    memRow('deadlock-free depth', f.memoryAtDeadlockFreeDepth.depth, f.memoryAtDeadlockFreeDepth),
  ];
  return pad(rows);
}

export function formatFifo(f: FifoSizing): string[] {
  const c = f.cycles;
  const slow = c.atDeadlockFreeDepth / c.unbounded - 1;
  const lines = pad(
    [
      ['deadlock-free depth', n(f.deadlockFreeDepth), 'words: the smallest depth with which every frame completes'],
      ['full-throughput depth', n(f.fullThroughputDepth), `words: the smallest depth that takes the unbounded FIFO's ${n(c.unbounded)} cycles`],
      ['max occupancy, unbounded', n(f.maxOccupancyUnbounded), `words: high-water mark with an unbounded FIFO (FINN/hls4ml); from depth ${n(f.sameAsUnboundedFromDepth)} on the run is identical to unbounded`],
      ['analytic depth', n(f.analyticDepth), f.analyticMatches ? 'words: from the geometry; equals the simulated deadlock-free depth' : `words: from the geometry; the simulation found ${n(f.deadlockFreeDepth)}`],
    ],
    true,
  ).map((l) => `  ${l}`);
  lines.push(`    formula      ${f.formula}`);
  lines.push(`    explanation  ${f.explanation}`);
  const extras = f.skipPathExtra.filter((e) => e.bits > 0);
  lines.push(`  skip-path storage outside the FIFO: ${n(f.skipPathExtraSlots)} words${extras.length ? ` (${extras.map((e) => `${e.component}: ${e.holds}`).join('; ')})` : ' (the fork and the adder hold no skip operand)'}`);
  lines.push(`  cycles: ${n(c.unbounded)} unbounded; ${n(c.atDeadlockFreeDepth)} at the deadlock-free depth (${slow === 0 ? 'no slowdown' : `+${(100 * slow).toFixed(1)} %`})`);
  lines.push(`  total: ${n(f.totalBits)} bits (${n(Math.ceil(f.totalBits / 8))} bytes) at the full-throughput depth`);
  lines.push('');
  for (const l of memoryTable(f)) lines.push(`  ${l}`);
  return lines;
}

function describeConfig(c: Record<string, unknown>): string {
  const convs = Object.entries(c.convs as Record<string, { simd: number; pe: number }>)
    .map(([k, v]) => `${k} ${v.simd}/${v.pe}`)
    .join(', ');
  return `${String(c.block)} block, ${String(c.height)}x${String(c.width)}x${String(c.channels)} -> ${String(c.outChannels)} channels (mid ${String(c.midChannels)}), SIMD/PE ${convs}, ${String(c.bits)}-bit activations, ${String(c.frames)} frame(s)`;
}

export function formatSizingReport(r: SizingReport): string[] {
  const out = [`skip FIFO sizing: ${describeConfig(r.config)}`, ''];
  for (const f of r.fifos) {
    out.push(`${f.name} (${f.path}), depth in ${f.wordBits}-bit words of the skip stream:`);
    out.push(...formatFifo(f));
    out.push('');
  }
  out.push(`${r.simulations.length} timing-mode simulations on ${r.lanes} lane(s) in ${r.seconds.toFixed(2)} s`);
  return out;
}
