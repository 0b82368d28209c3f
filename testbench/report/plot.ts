import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Render a Vega-Lite spec to an SVG string in Node (vega's SVG renderer needs no browser or canvas).
 * Every plot in reports and docs goes through here, so plots come from a plotting library, never from
 * hand-written SVG.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface LineSeries {
  /** Rows with the x and y fields and the series field. */
  rows: Record<string, number | string>[];
  x: { field: string; title: string; log?: boolean };
  y: { field: string; title: string; log?: boolean };
  /** Field that tells the lines apart (colour). */
  series?: { field: string; title: string };
  title: string;
  width?: number;
  height?: number;
}

/** A line chart with points, one line per series: the shape of every sweep plot. */
export function lineChart(s: LineSeries): TopLevelSpec {
  const scale = (log?: boolean) => (log ? { type: 'log' as const } : { zero: false });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: s.title,
    width: s.width ?? 480,
    height: s.height ?? 300,
    background: 'white',
    data: { values: s.rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: s.x.field, type: 'quantitative', title: s.x.title, scale: scale(s.x.log) },
      y: { field: s.y.field, type: 'quantitative', title: s.y.title, scale: scale(s.y.log) },
      ...(s.series ? { color: { field: s.series.field, type: 'nominal', title: s.series.title } } : {}),
    },
  };
}
