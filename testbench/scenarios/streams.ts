/**
 * Beat lists of a residual-block run: the source's input beats and the beats the sink should receive, in
 * the stream order every component uses (pixels in raster order, channel groups per pixel, `last` on a
 * frame's final beat). Timing mode without tags shares two constant beats, so even a 56x56x256 stream
 * costs one array of references.
 */
import type { Beat } from '../../hw/stream/beat.ts';
import { tensorToBeats } from '../drivers/tensor-beats.ts';
import type { Tensor } from '../ref/tensor.ts';

const PLAIN: Beat = { lanes: null, tag: null, last: false };
const PLAIN_LAST: Beat = { lanes: null, tag: null, last: true };

/** Lane-less beats of `frames` frames of h x w pixels, `groups` beats per pixel, tagged when `tags`. */
export function timingBeats(h: number, w: number, groups: number, frames: number, tags: boolean): Beat[] {
  const perFrame = h * w * groups;
  const out: Beat[] = new Array<Beat>(perFrame * frames);
  let i = 0;
  for (let f = 0; f < frames; f++) {
    for (let r = 0; r < perFrame; r++, i++) {
      const last = r === perFrame - 1;
      if (!tags) {
        out[i] = last ? PLAIN_LAST : PLAIN;
        continue;
      }
      const g = r % groups;
      const px = (r - g) / groups;
      out[i] = { lanes: null, tag: { frame: f, y: Math.floor(px / w), x: px % w, group: g }, last };
    }
  }
  return out;
}

/** Data-mode beats of several frames (tensor f is frame f). */
export function dataBeats(frames: readonly Tensor[], lanes: number, tags: boolean): Beat[] {
  const out: Beat[] = [];
  frames.forEach((t, f) => {
    for (const b of tensorToBeats(t, lanes, f, tags, true)) out.push(b);
  });
  return out;
}
