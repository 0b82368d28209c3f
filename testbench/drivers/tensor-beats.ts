import type { Beat, Tag } from '../../hw/stream/beat.ts';
import { Tensor, checkShape, type Shape } from '../ref/tensor.ts';

/**
 * The stream order every conv component uses: pixels in raster order (y, then x), and for each pixel
 * ceil(C / lanes) beats, channel group 0 first; group g carries channels [g*lanes, (g+1)*lanes), lanes past
 * C are 0. The frame's final beat has `last`.
 */
export function groupsPerPixel(channels: number, lanesPerBeat: number): number {
  return Math.ceil(channels / lanesPerBeat);
}

/**
 * A tensor as a list of beats in stream order. `withTags` adds {frame, y, x, group} debug tags; with
 * `dataMode` false the beats carry no lanes (timing mode) but the same tags and last.
 * Lanes are Int8Array for an int8 tensor, Int32Array for an int32 one.
 */
export function tensorToBeats(tensor: Tensor, lanesPerBeat: number, frame = 0, withTags = true, dataMode = true): Beat[] {
  if (!Number.isSafeInteger(lanesPerBeat) || lanesPerBeat < 1) {
    throw new RangeError(`tensorToBeats: lanesPerBeat must be an integer >= 1, got ${lanesPerBeat}`);
  }
  const { h, w, c } = tensor.shape;
  const groups = groupsPerPixel(c, lanesPerBeat);
  const src = tensor.data;
  const int8 = src instanceof Int8Array;
  const out: Beat[] = [];
  const total = h * w * groups;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const base = (y * w + x) * c;
      for (let g = 0; g < groups; g++) {
        let lanes: Int8Array | Int32Array | null = null;
        if (dataMode) {
          lanes = int8 ? new Int8Array(lanesPerBeat) : new Int32Array(lanesPerBeat);
          const c0 = g * lanesPerBeat;
          const n = Math.min(lanesPerBeat, c - c0);
          lanes.set(src.subarray(base + c0, base + c0 + n));
        }
        const tag: Tag | null = withTags ? { frame, y, x, group: g } : null;
        out.push({ lanes, tag, last: out.length === total - 1 });
      }
    }
  }
  return out;
}

/**
 * Beats in stream order back into a tensor of `shape` (the inverse of tensorToBeats; padding lanes are
 * dropped). Tags, when present, must name the position each beat is at; a wrong count or tag throws.
 */
export function beatsToTensor(beats: readonly Beat[], shape: Shape): Tensor {
  checkShape(shape, 'beatsToTensor');
  const { h, w, c } = shape;
  const first = beats[0];
  if (first === undefined || first.lanes === null) {
    throw new RangeError('beatsToTensor: needs data-mode beats (with lanes); got ' + (first === undefined ? 'no beats' : 'lanes null'));
  }
  const lanesPerBeat = first.lanes.length;
  const groups = groupsPerPixel(c, lanesPerBeat);
  if (beats.length !== h * w * groups) {
    throw new RangeError(`beatsToTensor: ${h}x${w} pixels x ${groups} groups of ${lanesPerBeat} lanes need ${h * w * groups} beats, got ${beats.length}`);
  }
  const data = first.lanes instanceof Int8Array ? new Int8Array(h * w * c) : new Int32Array(h * w * c);
  let i = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let g = 0; g < groups; g++, i++) {
        const b = beats[i]!;
        const t = b.tag;
        if (t !== null && (t.y !== y || t.x !== x || t.group !== g)) {
          throw new RangeError(`beatsToTensor: beat ${i} has tag y ${t.y} x ${t.x} group ${t.group}, expected y ${y} x ${x} group ${g}`);
        }
        if (b.lanes === null || b.lanes.length !== lanesPerBeat) {
          throw new RangeError(`beatsToTensor: beat ${i} has ${b.lanes === null ? 'no lanes' : `${b.lanes.length} lanes`}, expected ${lanesPerBeat}`);
        }
        const c0 = g * lanesPerBeat;
        const n = Math.min(lanesPerBeat, c - c0);
        const base = (y * w + x) * c + c0;
        for (let k = 0; k < n; k++) data[base + k] = b.lanes[k]!;
      }
    }
  }
  return new Tensor(shape, data);
}
