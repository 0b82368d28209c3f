// Readable text of an NPU report (the CLI's table) and of a sweep over SRAM sizes.
import { CAUSES } from '../../hw/npu/npu-program.ts';
import { IDLE_REASONS } from '../../hw/npu/npu-idle.ts';
import type { NpuReport } from './scenario.ts';

const n = (v: number): string => Math.round(v).toLocaleString('en-US');
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
export const kib = (bytes: number): string => (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${n(bytes / 1024)} KiB`);

function rows(lines: string[], table: [string, string][]): void {
  const w = Math.max(...table.map(([k]) => k.length));
  for (const [k, v] of table) lines.push(`  ${k.padEnd(w)}  ${v}`);
}

/** The report as a text table (the CLI without --json). */
export function formatReport(r: NpuReport): string[] {
  const lines: string[] = [];
  lines.push(`npu ${r.model} ${r.inputSize}x${r.inputSize}${r.widthDivisor > 1 ? ` (channels / ${r.widthDivisor})` : ''}, SRAM ${kib(r.sramBytes)}, ${r.dram}, policy ${r.policy}`);
  lines.push(`  NPU: ${r.npu.array} MAC array at ${r.npu.clockGHz} GHz (${r.npu.peakMacsPerCycle} MAC/cycle), ${r.npu.vectorLanes}-lane vector unit, weight buffer ${kib(r.npu.weightBufferBytes)}, DRAM peak ${r.npu.dramPeakGBps.toFixed(1)} GB/s`);
  lines.push('');
  const b = r.bounds;
  rows(lines, [
    ['cycles', `${n(r.cycles)} (${r.timeUs.toFixed(1)} us)`],
    ['  bounds', `MAC array busy ${n(b.computeCycles)}, ideal array ${n(b.idealComputeCycles)}, DRAM at peak ${n(b.dramCycles)}`],
    ['MACs', `${n(r.macs)}, utilisation ${pct(r.macUtilisation)}`],
    ['DRAM traffic', `${n(r.dramTraffic.bytes)} B (${n(r.dramTraffic.readBytes)} read, ${n(r.dramTraffic.writeBytes)} written), ${r.dramTraffic.averageGBps.toFixed(2)} GB/s average, row hits ${pct(r.dramTraffic.rowHitRate)}`],
    ...CAUSES.map((c): [string, string] => [`  ${c}`, `${n(r.dramTraffic.byCause[c])} B`]),
    ['SRAM', `peak live ${n(r.sram.peakLiveBytes)} B, planner arena ${n(r.sram.arenaBytes)} B (${r.sram.plannerStrategy}; live lower bound ${n(r.sram.liveLowerBound)}), at most ${r.sram.maxLiveTensors} tensors live`],
    ['skip tensors', skipLine(r)],
    ['  spill / fill / re-read', `${n(r.skipSpillBytes)} / ${n(r.skipFillBytes)} / ${n(r.skipRereadBytes)} B`],
    ['adder', `${n(r.adder.ops)} ops, ${n(r.adder.sramBytes)} SRAM B: ${fmtI(r.adder.intensity)} op/B (analytic ${fmtI(r.adder.analyticIntensity)}); ${n(r.adder.dramBytes)} DRAM B: ${fmtI(r.adder.dramIntensity)} op/B`],
    ['  adder cycles', `busy ${n(r.adder.busyCycles)}, stalled ${n(r.adder.stallCycles)}, waiting for fills ${n(r.adder.waitFillCycles)}`],
    ['MAC idle', IDLE_REASONS.filter((k) => r.macIdle[k] > 0).map((k) => `${k} ${n(r.macIdle[k])}`).join(', ') || 'none'],
    ['MAC waits on adder', `${n(r.macWaitsAdderCycles)} cycles = ${pct(r.macWaitsAdderShare)} of the run`],
  ]);
  if (r.skips.length > 0) {
    lines.push('');
    lines.push('  skip tensor                 bytes  closed by                 spilled  lifetime cycles  SRAM cycles');
    for (const s of r.skips) {
      lines.push(`  ${s.tensor.padEnd(22)} ${n(s.bytes).padStart(10)}  ${s.closer.padEnd(24)} ${(s.spilled ? s.fill ?? 'yes' : 'no').padEnd(8)} ${n(s.lifetimeCycles).padStart(15)}  ${n(s.sramCycles).padStart(11)}`);
    }
  }
  lines.push('');
  lines.push('  layer                     kind    bands  in/out         cycles          ops   DRAM bytes  op/DRAM B');
  for (const l of r.layers) {
    const io = `${l.inputs.map((m) => (m === 'sram' ? 'S' : 'D')).join('')}/${l.output === 'sram' ? 'S' : 'D'}`;
    lines.push(
      `  ${l.name.padEnd(25)} ${l.kind.padEnd(7)} ${String(l.bands).padStart(5)}  ${io.padEnd(8)} ${n(l.cycles).padStart(12)} ${n(l.ops).padStart(12)} ${n(l.dramBytes).padStart(12)}  ${l.intensity === null ? '-' : l.intensity.toFixed(2)}`,
    );
  }
  lines.push('  (in/out: S = in SRAM, D = streamed through DRAM in row bands)');
  return lines;
}

function skipLine(r: NpuReport): string {
  if (r.skips.length === 0) return 'none (a chain)';
  const spilled = r.skips.filter((s) => s.spilled).length;
  const life = r.skips.map((s) => s.lifetimeCycles);
  return `${r.skips.length} held across a gap, ${spilled} spilled; lifetime ${n(Math.min(...life))} .. ${n(Math.max(...life))} cycles`;
}

const fmtI = (v: number | null): string => (v === null ? '-' : v.toFixed(4));

/** One line per SRAM size of a sweep. */
export function formatSweep(reports: readonly NpuReport[]): string[] {
  const w = Math.max(7, ...reports.map((r) => r.model.length));
  const lines = [`  ${'network'.padEnd(w)} ${'SRAM'.padStart(9)}       cycles   MAC util   DRAM bytes  activations   skip traffic  peak SRAM`];
  for (const r of reports) {
    lines.push(
      `  ${r.model.padEnd(w)} ${kib(r.sramBytes).padStart(9)} ${n(r.cycles).padStart(12)} ${pct(r.macUtilisation).padStart(9)} ${n(r.dramTraffic.bytes).padStart(12)} ${n(r.dramTraffic.activationBytes).padStart(12)} ${n(r.skipSpillBytes + r.skipFillBytes + r.skipRereadBytes).padStart(14)} ${n(r.sram.peakLiveBytes).padStart(10)}`,
    );
  }
  return lines;
}
