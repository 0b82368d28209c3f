/**
 * The sweep's plots, as Vega-Lite specs rendered to SVG by testbench/report/plot.ts (no hand-written SVG):
 *   depth vs width (one panel per block type, log-log): the deadlock-free depth beside the unbounded
 *     high-water mark that FINN/hls4ml would pick (simulated points only);
 *   bits vs resolution (log-log): the sized FIFO beside a FIFO of the whole tensor (hls4ml's default
 *     depth), with 1 KiB and 1 MiB guides: the "KB to MB" picture.
 * Points sized by the formula alone are drawn as crosses.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../report/plot.ts';
import type { SweepRow } from './size-point.ts';

export const PLOT_FILES = { depth: 'sweep-depth-vs-width.svg', bits: 'sweep-bits-vs-resolution.svg' } as const;

export const AXIS_TITLES = {
  width: 'input width W = height (pixels)',
  depth: 'skip FIFO depth (words of the skip stream)',
  bits: 'skip FIFO size in bits (log scale)',
} as const;

const METHOD_LABEL = { simulation: 'simulation', analytic: 'formula only' } as const;

/** Channels and folding, as far as the sweep varies them ('' when it does not). */
function variantOf(rows: readonly SweepRow[]): (r: SweepRow) => string {
  const many = (f: (r: SweepRow) => string | number): boolean => new Set(rows.map(f)).size > 1;
  const showC = many((r) => r.C);
  const showF = many((r) => r.folding);
  return (r) => [showC ? `C=${r.C}` : '', showF ? r.folding : ''].filter(Boolean).join(' ');
}

/** Line label: the block, plus channels and folding when the sweep varies them. */
function seriesOf(rows: readonly SweepRow[]): (r: SweepRow) => string {
  const variant = variantOf(rows);
  return (r) => [r.block, variant(r)].filter(Boolean).join(' ');
}

function lineAndPoints(title: string, values: Record<string, string | number>[], x: object, y: object, extra: object[] = []): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    config: { legend: { labelLimit: 360 } },
    data: { values },
    encoding: { x, y, color: { field: 'series', type: 'nominal', title: 'block' } },
    layer: [
      { mark: { type: 'line' }, encoding: { strokeDash: { field: 'quantity', type: 'nominal', title: 'quantity' } } },
      { mark: { type: 'point', filled: true, size: 45 }, encoding: { shape: { field: 'method', type: 'nominal', title: 'sized by', scale: { domain: Object.values(METHOD_LABEL), range: ['circle', 'cross'] } } } },
      ...extra,
    ],
  } as TopLevelSpec;
}

/** One panel per block type (log-log: depth grows linearly with W, so the lines are straight). */
export function depthSpec(rows: readonly SweepRow[]): TopLevelSpec {
  const variant = variantOf(rows);
  const values: Record<string, string | number>[] = [];
  for (const r of rows) {
    const common = { W: r.W, block: r.block, variant: variant(r), method: METHOD_LABEL[r.method] };
    values.push({ ...common, quantity: 'deadlock-free depth', depth: r.deadlockFreeDepth ?? r.analyticDepth });
    if (r.maxOccupancyUnbounded !== null) values.push({ ...common, quantity: 'max occupancy, unbounded FIFO (FINN/hls4ml)', depth: r.maxOccupancyUnbounded });
  }
  const x = { field: 'W', type: 'quantitative', title: AXIS_TITLES.width, scale: { type: 'log', nice: false }, axis: { format: 'd', tickCount: 5 } };
  const y = { field: 'depth', type: 'quantitative', title: AXIS_TITLES.depth, scale: { type: 'log' }, axis: { format: '~s' } };
  const color = { field: 'quantity', type: 'nominal', title: 'quantity', legend: { orient: 'bottom', direction: 'vertical' } };
  const dash = new Set(values.map((v) => v.variant)).size > 1 ? { strokeDash: { field: 'variant', type: 'nominal', title: 'channels, folding' } } : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Skip FIFO depth vs input width, per block type',
    background: 'white',
    config: { legend: { labelLimit: 360 } },
    data: { values },
    facet: { column: { field: 'block', type: 'nominal', title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    spec: {
      width: 210,
      height: 260,
      encoding: { x, y, color },
      layer: [
        { mark: { type: 'line' }, encoding: { detail: { field: 'variant', type: 'nominal' }, ...dash } },
        { mark: { type: 'point', filled: true, size: 40 }, encoding: { shape: { field: 'method', type: 'nominal', title: 'sized by', scale: { domain: Object.values(METHOD_LABEL), range: ['circle', 'cross'] }, legend: { orient: 'bottom', direction: 'vertical' } } } },
      ],
    },
  } as TopLevelSpec;
}

const KIB = 8 * 1024;
const MIB = 8 * 1024 * 1024;

export function bitsSpec(rows: readonly SweepRow[]): TopLevelSpec {
  const series = seriesOf(rows);
  const values: Record<string, string | number>[] = [];
  for (const r of rows) {
    const common = { W: r.W, series: series(r), method: METHOD_LABEL[r.method] };
    values.push({ ...common, quantity: 'sized skip FIFO', bits: r.totalBits });
    values.push({ ...common, quantity: 'whole tensor (hls4ml default depth H*W)', bits: r.tensorBits });
  }
  const guides = [
    { bits: KIB, label: '1 KiB' },
    { bits: MIB, label: '1 MiB' },
  ];
  return lineAndPoints(
    'Skip FIFO size vs resolution: from KB to MB',
    values,
    { field: 'W', type: 'quantitative', title: AXIS_TITLES.width, scale: { type: 'log', nice: false }, axis: { format: 'd' } },
    { field: 'bits', type: 'quantitative', title: AXIS_TITLES.bits, scale: { type: 'log' }, axis: { format: '~s' } },
    [
      { data: { values: guides }, mark: { type: 'rule', color: '#999', strokeDash: [2, 2] }, encoding: { y: { field: 'bits', type: 'quantitative' }, x: null, color: null } },
      { data: { values: guides }, mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#666' }, encoding: { y: { field: 'bits', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' }, color: null } },
    ],
  );
}

/** Both plots as SVG text, keyed by file name. */
export async function renderPlots(rows: readonly SweepRow[]): Promise<Record<string, string>> {
  return {
    [PLOT_FILES.depth]: await renderSvg(depthSpec(rows)),
    [PLOT_FILES.bits]: await renderSvg(bitsSpec(rows)),
  };
}
