/**
 * How far ahead the main path reads: the last input pixel the block's main path needs before it can
 * produce output pixel (y, x). Each conv starts an output pixel once its input pixel
 * needPixel(y, x) = (min(H-1, y*S+K-1-P), min(W-1, x*S+K-1-P)) has fully arrived (hw/conv/geometry.ts), so the
 * chain of convs composes these maps from the last conv back to the first.
 */
import type { BlockLayout } from './block-layout.ts';

export interface PixelPos {
  y: number;
  x: number;
}

/** The input pixel (rows and columns of the block's input) the main path needs for output pixel (y, x). */
export function mainNeed(layout: BlockLayout, y: number, x: number): PixelPos {
  let py = y;
  let px = x;
  for (let i = layout.main.length - 1; i >= 0; i--) {
    const g = layout.main[i]!.geometry;
    py = g.needRow[py]!;
    px = g.needCol[px]!;
  }
  return { y: py, x: px };
}

/** The same as a raster index of the input frame: y * W + x. */
export function mainNeedIndex(layout: BlockLayout, y: number, x: number): number {
  const p = mainNeed(layout, y, x);
  return p.y * layout.config.width + p.x;
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
