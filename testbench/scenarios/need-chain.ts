/**
 * How far ahead the main path reads: the last input pixel the block's main path needs before it can
 * produce output pixel (y, x).
 *
 * A conv starts output pixel u (raster order) once its input pixel needPixel(u) = (min(H-1, y*S+K-1-P),
 * min(W-1, x*S+K-1-P)) has fully arrived (hw/conv/geometry.ts), and it computes its outputs in raster order,
 * so output u really waits for max over u' <= u of needPixel(u'). The maximum matters on the bottom rows,
 * where the rows clip: the end of row H-2 needs (H-1, W-1), further than the start of row H-1 does. The
 * chain of convs composes these prefix maxima from the last conv back to the first.
 */
import type { BlockLayout } from './block-layout.ts';

export interface PixelPos {
  y: number;
  x: number;
}

const cache = new WeakMap<BlockLayout, Int32Array[]>();

/** Per main conv, per output pixel (raster index): the input raster index it waits for (prefix maximum). */
function effectiveNeeds(layout: BlockLayout): Int32Array[] {
  let tables = cache.get(layout);
  if (tables) return tables;
  tables = layout.main.map((s) => {
    const g = s.geometry;
    const t = new Int32Array(g.hOut * g.wOut);
    let max = 0;
    for (let y = 0, u = 0; y < g.hOut; y++) {
      for (let x = 0; x < g.wOut; x++, u++) {
        const need = g.needRow[y]! * g.w + g.needCol[x]!;
        if (need > max) max = need;
        t[u] = max;
      }
    }
    return t;
  });
  cache.set(layout, tables);
  return tables;
}

/** Raster index (in the block's input frame) of the last input pixel the main path needs for output (y, x). */
export function mainNeedIndex(layout: BlockLayout, y: number, x: number): number {
  const tables = effectiveNeeds(layout);
  let idx = y * layout.outWidth + x;
  for (let i = tables.length - 1; i >= 0; i--) idx = tables[i]![idx]!;
  return idx;
}

/** The same as a pixel position of the block's input. */
export function mainNeed(layout: BlockLayout, y: number, x: number): PixelPos {
  const idx = mainNeedIndex(layout, y, x);
  const w = layout.config.width;
  return { y: Math.floor(idx / w), x: idx % w };
}

/** Output beat j (0-based over all frames) as frame, pixel and channel group. */
export function outputBeatPosition(layout: BlockLayout, j: number): { frame: number; y: number; x: number; group: number } {
  const ns = layout.skipBeatsPerPixel;
  const perFrame = layout.outBeatsPerFrame;
  const frame = Math.floor(j / perFrame);
  const r = j - frame * perFrame;
  const group = r % ns;
  const px = (r - group) / ns;
  return { frame, y: Math.floor(px / layout.outWidth), x: px % layout.outWidth, group };
}
