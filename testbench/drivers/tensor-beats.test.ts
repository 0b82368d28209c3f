import { describe, expect, it } from 'vitest';
import { fromNested, int32Tensor, randomTensor } from '../ref/tensor.ts';
import { makeRng } from '../stimulus/random.ts';
import { beatsToTensor, groupsPerPixel, tensorToBeats } from './tensor-beats.ts';

describe('tensorToBeats / beatsToTensor', () => {
  it('raster order, channel groups of `lanes` (group 0 first), zero padding, tags and last', () => {
    // 1 x 2 pixels, 3 channels, 2 lanes: per pixel groups [c0 c1] [c2 0].
    const t = fromNested([[[1, 2, 3], [4, 5, 6]]], 'int8');
    const beats = tensorToBeats(t, 2, 7);
    expect(beats.map((b) => Array.from(b.lanes!))).toEqual([[1, 2], [3, 0], [4, 5], [6, 0]]);
    expect(beats.map((b) => b.tag)).toEqual([
      { frame: 7, y: 0, x: 0, group: 0 },
      { frame: 7, y: 0, x: 0, group: 1 },
      { frame: 7, y: 0, x: 1, group: 0 },
      { frame: 7, y: 0, x: 1, group: 1 },
    ]);
    expect(beats.map((b) => b.last)).toEqual([false, false, false, true]);
    expect(beats[0]!.lanes).toBeInstanceOf(Int8Array);
    expect(groupsPerPixel(3, 2)).toBe(2);
  });

  it('rows before columns: y outer, x inner', () => {
    const t = fromNested([[[1], [2]], [[3], [4]]], 'int8');
    expect(tensorToBeats(t, 1).map((b) => [b.tag!.y, b.tag!.x, b.lanes![0]])).toEqual([[0, 0, 1], [0, 1, 2], [1, 0, 3], [1, 1, 4]]);
  });

  it('untagged, timing mode, int32', () => {
    const t = int32Tensor({ h: 1, w: 1, c: 2 }, [100000, -5]);
    expect(tensorToBeats(t, 2, 0, false)).toEqual([{ lanes: Int32Array.of(100000, -5), tag: null, last: true }]);
    expect(tensorToBeats(t, 1, 0, true, false).map((b) => b.lanes)).toEqual([null, null]);
    expect(beatsToTensor(tensorToBeats(t, 3), t.shape).data).toEqual(t.data);
  });

  it('round trip for any lanes per beat', () => {
    const t = randomTensor(makeRng(9), 3, 5, 7);
    for (const lanes of [1, 2, 3, 7, 8, 16]) expect(beatsToTensor(tensorToBeats(t, lanes), t.shape).data).toEqual(t.data);
  });

  it('rejects wrong counts, misplaced tags and timing-mode beats', () => {
    const t = randomTensor(makeRng(1), 2, 2, 4);
    const beats = tensorToBeats(t, 2);
    expect(() => beatsToTensor(beats.slice(1), t.shape)).toThrow('beatsToTensor: 2x2 pixels x 2 groups of 2 lanes need 8 beats, got 7');
    const swapped = [beats[1]!, beats[0]!, ...beats.slice(2)];
    expect(() => beatsToTensor(swapped, t.shape)).toThrow('beatsToTensor: beat 0 has tag y 0 x 0 group 1, expected y 0 x 0 group 0');
    expect(() => beatsToTensor(tensorToBeats(t, 2, 0, true, false), t.shape)).toThrow(/needs data-mode beats/);
    expect(() => tensorToBeats(t, 0)).toThrow(/lanesPerBeat must be an integer >= 1/);
  });
});
