/**
 * docs/img/fifo-need.svg: which input pixels the skip FIFO holds while the adder waits for output pixel
 * (y, x) of a basic block, drawn from the main path's need map (testbench/scenarios/need-chain.ts):
 *   node --import tsx testbench/sweep/figure-need.ts [OUT.svg]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../report/plot.ts';
import { blockLayout } from '../scenarios/block-layout.ts';
import { parseScenarioConfig } from '../scenarios/config.ts';
import { mainNeed } from '../scenarios/need-chain.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function needSpec(width = 10, height = 7, y = 2, x = 3): TopLevelSpec {
  const layout = blockLayout(parseScenarioConfig({ block: 'basic', height, width, channels: 8, mode: 'timing' }));
  const need = mainNeed(layout, y, x);
  const p = y * width + x;
  const last = need.y * width + need.x;
  const cells: Record<string, string | number>[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const state = i < p ? 'added, gone from the FIFO' : i <= last ? 'in the skip FIFO' : 'not yet sent by the fork';
      // The two 3x3 convs read the 5x5 input window centred on (y, x).
      const window = Math.abs(r - y) <= 2 && Math.abs(c - x) <= 2 ? 1 : 0;
      const label = i === p ? '(y,x)' : i === last ? `(y+${need.y - y},x+${need.x - x})` : '';
      cells.push({ row: r, col: c, state, window, label });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Basic block, W = ${width}: the adder waits for output (y,x) = (${y},${x})`, subtitle: `its main-path value needs input up to (${need.y},${need.x}); the FIFO holds pixels (y,x)..(y+2,x+2): ${last - p + 1} = 2W+3 pixels` },
    background: 'white',
    config: { legend: { labelLimit: 320 } },
    width: 36 * width,
    height: 36 * height,
    data: { values: cells },
    encoding: {
      x: { field: 'col', type: 'ordinal', title: 'input column', axis: { labelAngle: 0 } },
      y: { field: 'row', type: 'ordinal', title: 'input row' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: { color: { field: 'state', type: 'nominal', title: 'input pixel', scale: { domain: ['added, gone from the FIFO', 'in the skip FIFO', 'not yet sent by the fork'], range: ['#d9d9d9', '#4c78a8', '#f4f4f4'] } } },
      },
      {
        transform: [{ filter: 'datum.window == 1' }],
        mark: { type: 'rect', fill: null, strokeWidth: 2 },
        encoding: { stroke: { datum: '5x5 input window behind output (y,x)', type: 'nominal', title: 'main path', scale: { range: ['#e45756'] } } },
      },
      { mark: { type: 'text', fontSize: 8, fontWeight: 'bold' }, encoding: { text: { field: 'label' }, color: { value: 'white' } } },
    ],
  } as TopLevelSpec;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? path.join(root, 'docs/img/fifo-need.svg');
  fs.writeFileSync(out, await renderSvg(needSpec()));
  console.log(`wrote ${out}`);
}
