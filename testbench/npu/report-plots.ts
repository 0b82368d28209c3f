// Plots of NPU reports, as Vega-Lite specs rendered by testbench/report/plot.ts's renderSvg:
//  - the per-layer roofline: measured points (ops / DRAM byte, ops per second) under the MAC array's
//    and the vector unit's roofs, both capped by the DRAM's peak bandwidth;
//  - DRAM traffic against SRAM size (log-log), one line per network and quantity;
//  - DRAM bytes by cause against SRAM size (stacked bars).
import type { TopLevelSpec } from 'vega-lite';
import { CAUSES } from '../../hw/npu/npu-program.ts';
import type { NpuReport } from './scenario.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export interface RooflinePoint {
  readonly layer: string;
  readonly kind: string;
  readonly series: string;
  /** ops / DRAM byte, and achieved Gop/s. */
  readonly intensity: number;
  readonly gops: number;
}

/** Points of every layer that moved DRAM bytes (a layer with none has no place on a DRAM roofline). */
export function rooflinePoints(r: NpuReport, series: string): RooflinePoint[] {
  return r.layers
    .filter((l) => l.intensity !== null && l.cycles > 0 && l.ops > 0)
    .map((l) => ({ layer: l.name, kind: l.kind, series, intensity: l.intensity!, gops: l.opsPerCycle * r.npu.clockGHz }));
}

/** Log-log roofline: min(peak, bandwidth x intensity) for the MAC array and the vector unit, and the points. */
export function rooflineSpec(points: readonly RooflinePoint[], r: NpuReport, title: string): TopLevelSpec {
  const bw = r.npu.dramPeakGBps;
  const lanes = r.npu.vectorLanes;
  const roofs = [
    { roof: `MAC array: ${r.npu.peakMacsPerCycle} MAC/cycle`, peak: r.npu.peakMacsPerCycle * r.npu.clockGHz },
    { roof: `vector unit, pool: ${r.npu.vectorReadsPerCycle * lanes} op/cycle`, peak: r.npu.vectorReadsPerCycle * lanes * r.npu.clockGHz },
    { roof: `vector unit, add: ${lanes} op/cycle`, peak: lanes * r.npu.clockGHz },
  ];
  const xs = points.map((p) => p.intensity);
  const lo = Math.min(0.05, ...xs) / 2;
  const hi = Math.max(4 * (roofs[0]!.peak / bw), ...xs) * 2;
  const rows: { roof: string; x: number; y: number }[] = [];
  for (const f of roofs) {
    const ridge = f.peak / bw;
    for (const x of [lo, ridge, hi]) rows.push({ roof: f.roof, x, y: Math.min(f.peak, bw * x) });
  }
  const axisX = { field: 'x', type: 'quantitative' as const, scale: { type: 'log' as const, domain: [lo, hi] }, title: 'arithmetic intensity (ops per DRAM byte)' };
  const axisY = { field: 'y', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'achieved Gop/s (op = MAC or element op)' };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: `roofs: min(peak, DRAM peak ${bw.toFixed(1)} GB/s x intensity); points: measured per layer, its window including its DMA` },
    width: 560,
    height: 360,
    background: 'white',
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeDash: [6, 3] },
        encoding: { x: axisX, y: axisY, color: { field: 'roof', type: 'nominal', title: 'roof', scale: { range: ['#333333', '#888888', '#bbbbbb'] } } },
      },
      {
        data: { values: points.map((p) => ({ ...p, x: p.intensity, y: p.gops })) },
        mark: { type: 'point', filled: true, size: 70, opacity: 0.8 },
        encoding: {
          x: axisX,
          y: axisY,
          color: { field: 'series', type: 'nominal', title: 'run' },
          shape: { field: 'kind', type: 'nominal', title: 'layer kind' },
          tooltip: [{ field: 'layer' }, { field: 'x', title: 'op/B', format: '.3f' }, { field: 'y', title: 'Gop/s', format: '.2f' }],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
    config: { legend: { labelLimit: 400 } },
  };
}

export interface TrafficRow {
  readonly sramKiB: number;
  readonly mb: number;
  readonly series: string;
  [key: string]: number | string;
}

/** Rows of the traffic-vs-SRAM plot: per network, its activation traffic (all but weights) and, with skips, what the skips cost. */
export function trafficRows(reports: readonly NpuReport[]): TrafficRow[] {
  const out: TrafficRow[] = [];
  for (const r of reports) {
    const kib = r.sramBytes / 1024;
    out.push({ sramKiB: kib, mb: r.dramTraffic.activationBytes / 1e6, series: `${r.model}: activations (all but weights)` });
    if (r.skips.length > 0) {
      out.push({ sramKiB: kib, mb: (r.skipSpillBytes + r.skipFillBytes + r.skipRereadBytes) / 1e6, series: `${r.model}: skips (spill + fill + re-read)` });
    }
  }
  return out;
}

/**
 * Log-log lines of DRAM traffic against SRAM size. A series stops where it falls to 0 (a log axis has no
 * 0): the skip traffic of a residual network ends at the SRAM that holds X with its block.
 */
export function trafficSpec(reports: readonly NpuReport[], title: string): TopLevelSpec {
  const rows = trafficRows(reports).filter((r) => r.mb > 0);
  const sizes = [...new Set(reports.map((r) => r.sramBytes / 1024))].sort((a, b) => a - b);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'weights (the same at every size) left out; a line ends where it falls to 0' },
    width: 560,
    height: 320,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'sramKiB', type: 'quantitative', title: 'activation SRAM (KiB)', scale: { type: 'log', base: 2 }, axis: { values: sizes } },
      y: { field: 'mb', type: 'quantitative', title: 'DRAM traffic (MB, log scale)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: 'network: traffic' },
    },
    config: { legend: { labelLimit: 400 } },
  };
}

/** Stacked bars of DRAM bytes by cause for each SRAM size of one network. */
export function causeSpec(reports: readonly NpuReport[], title: string): TopLevelSpec {
  const values = reports.flatMap((r) =>
    CAUSES.filter((c) => r.dramTraffic.byCause[c] > 0).map((c) => ({ sram: r.sramBytes / 1024, cause: c, mb: r.dramTraffic.byCause[c] / 1e6 })),
  );
  return {
    $schema: SCHEMA,
    title,
    width: 480,
    height: 300,
    background: 'white',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'sram', type: 'ordinal', title: 'activation SRAM (KiB)', sort: 'ascending' },
      y: { field: 'mb', type: 'quantitative', title: 'DRAM traffic (MB)', stack: 'zero' },
      color: { field: 'cause', type: 'nominal', title: 'cause', sort: [...CAUSES] },
    },
  };
}
