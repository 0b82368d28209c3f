/**
 * The conv's line buffer: a circular buffer of input pixels in raster order, CAP pixels deep, each pixel
 * IG words of SIMD int8 lanes (channel group g of pixel q lives in word q mod CAP * IG + g).
 *
 * Architecture (see docs/components-conv.md): the window of an output pixel spans at most (K-1) rows plus
 * K pixels of raster order, so CAP = (K-1)*W + K holds one window (the minimum); the default
 * CAP = (K+S-2)*W + K + S adds S pixels of look-ahead, so the S new input pixels of the next output pixel
 * stream in while the current one computes, and S-1 rows for strided convs (next output row's new rows).
 * Live pixels are [oldest, nextPixel]; the accept rule is
 *     accept the next input beat  <=>  nextPixel < oldest + CAP
 * i.e. the slot it overwrites (pixel nextPixel - CAP) is dead. `oldest` only moves when the engine releases
 * pixels (after the last output beat of an output pixel finishes computing).
 *
 * It is a plain object owned by the ConvEngine module (one clocked process drives both, so there is no
 * ordering question between two processes sharing state). In timing mode it keeps only the counters.
 */
import type { ConvGeometry } from './geometry.ts';

export class LineBuffer {
  /** Capacity in input pixels (CAP). */
  readonly pixels: number;
  /** Capacity in words: CAP * IG. */
  readonly words: number;
  /** Bits per word: SIMD * 8. */
  readonly wordBits: number;
  /** Total storage bits: words * wordBits. */
  readonly bits: number;
  /** Global raster index of the pixel the next input beat belongs to (= pixels fully received). */
  nextPixel = 0;
  /** Channel group of the next input beat. */
  nextGroup = 0;
  /** Oldest live pixel (global raster index); every pixel before it is free. */
  oldest = 0;
  /** Largest number of live pixels (fully or partly written) held after any edge. */
  highWater = 0;
  /** Storage in data mode, null in timing mode. Lanes of pixel q start at slotBase(q). */
  readonly store: Int8Array | null;
  private readonly inGroups: number;
  private readonly simd: number;
  /** Lanes per pixel slot: IG * SIMD (>= Cin; lanes past Cin hold the beats' padding lanes). */
  readonly pixelLanes: number;

  constructor(g: ConvGeometry, data: boolean) {
    this.pixels = g.lineBufferPixels;
    this.words = g.lineBufferWords;
    this.wordBits = g.lineBufferWordBits;
    this.bits = g.lineBufferBits;
    this.inGroups = g.inGroups;
    this.simd = g.simd;
    this.pixelLanes = g.inGroups * g.simd;
    this.store = data ? new Int8Array(this.pixels * this.pixelLanes) : null;
  }

  /** Whether the next input beat has a free slot: nextPixel < oldest + CAP. */
  canAccept(): boolean {
    return this.nextPixel < this.oldest + this.pixels;
  }

  /** Store the next input beat (lanes null in timing mode) and advance the write position. */
  write(lanes: Int8Array | Int32Array | null): void {
    const store = this.store;
    if (store !== null && lanes !== null) {
      const base = (this.nextPixel % this.pixels) * this.pixelLanes + this.nextGroup * this.simd;
      // Int8Array.set would wrap out-of-range Int32 lanes silently; the engine range-checks those first.
      store.set(lanes, base);
    }
    if (++this.nextGroup === this.inGroups) {
      this.nextGroup = 0;
      this.nextPixel++;
    }
    const live = this.fill;
    if (live > this.highWater) this.highWater = live;
  }

  /** Free every pixel before `pixel` (global raster index); `oldest` never moves backwards. */
  release(pixel: number): void {
    if (pixel > this.oldest) this.oldest = pixel;
  }

  /** Live pixels held, counting a partly received pixel: max(0, nextPixel + (nextGroup > 0) - oldest). */
  get fill(): number {
    const live = this.nextPixel + (this.nextGroup > 0 ? 1 : 0) - this.oldest;
    return live > 0 ? live : 0;
  }

  /** Offset in `store` of channel 0 of global pixel q (which must be live). */
  slotBase(q: number): number {
    return (q % this.pixels) * this.pixelLanes;
  }
}
