/**
 * The analytic deadlock-free skip-FIFO depth, derived from the block geometry alone (no simulation).
 *
 * Deadlock condition. The fork is lock-step, so it pushes input beat i into the main path and the skip path
 * at the same edge or not at all. Suppose the adder waits for output beat j (pixel p, group g): every skip
 * beat before j has been consumed, so the FIFO holds skip beats j, j+1, ... If it is full (d beats), the fork
 * can push only as many input beats as the skip path can absorb: absorb(j, d). The main path produces beat j
 * once the input pixel need(p) has fully arrived (each conv starts pixel (y, x) when its input pixel
 * needPixel(y, x) is complete, and computes in raster order, so it waits for the largest needPixel of the
 * outputs up to (y, x); need(p) composes these maps through the main convs, scenarios/need-chain.ts), i.e. after
 * needIn(p) = (need(p) + 1) * IG input beats (IG = source beats per pixel). The block deadlocks iff for some j
 *     absorb(j, d) < needIn(p(j)),
 * and every line buffer and register of the main path has room for that input (the ConvEngine's line buffer
 * holds (K+S-2)W + K + S pixels, a window plus the look-ahead), so nothing else can block. The
 * deadlock-free depth is the smallest d >= 1 with absorb(j, d) >= needIn(p(j)) for all j; since absorb grows
 * with j + d, the first group of each pixel (g = 0) is the binding one.
 *
 * absorb(j, d), in input beats, for each skip path (NS = skip beats per output pixel):
 *   identity, no converter (skip lanes = source lanes):  j + d
 *   identity, split converter (source lanes = r x skip lanes): the converter holds the input beat of skip
 *     beat j+d and takes no other until its last piece leaves:  floor((j + d) / r) + 1
 *   identity, pack converter (skip lanes = r x source lanes): its output register holds word j+d and its
 *     accumulator r-1 pieces of the next word:  (j + d + 1) r + r - 1
 *   downsample, projection then FIFO: the projection's output register holds beat j+d and its finished-beat
 *     slot j+d+1, so pixels before u = floor((j+d+2)/NS) are finished and released; its line buffer (CAP
 *     pixels) then accepts input up to pixel rel(u-1) + CAP - 1:  (rel(u - 1) + CAP) * IG,
 *     rel = releasePixel of the projection (hw/conv/geometry.ts), rel(-1) = 0.
 * Solving absorb(j, d) >= needIn for d gives, per pixel p (j = p * NS, Delta(p) = need(p) - p in input pixels):
 *   identity:      d = NS * (Delta + 1)            (IG = NS)
 *   split:         d = NS * (Delta + 1) - r        (IG = NS / r)
 *   pack:          d = NS * (Delta + 1) - 1        (IG = NS * r)
 *   downsample:    d = (U + 1) * NS - 2 - j,  U = the first projection pixel with rel(U) >= need(p) + 1 - CAP.
 * In the image interior Delta = 2W + 2 for basic (two 3x3 pad-1 convs: (y+2, x+2)), W + 1 for bottleneck
 * (1x1, 3x3, 1x1: (y+1, x+1)); for downsample the main path needs input pixel (2oy+3, 2ox+3), and the
 * projection's line buffer of CAP = (K+S-2)W + K + S = W + 3 pixels (K = 1, S = 2) admits it once rel(U) >=
 * (2oy+2)W + 2ox + 1, i.e. from U = projection pixel (oy+1, ox): d = (Wo + 1) * NS - 2.
 */
import { releasePixel } from '../../hw/conv/geometry.ts';
import type { BlockLayout } from '../scenarios/block-layout.ts';
import { mainNeedIndex } from '../scenarios/need-chain.ts';

export interface ExtraStorage {
  /** The component on the skip path (outside the FIFO). */
  component: string;
  /** What it holds. */
  holds: string;
  /** Storage bits. */
  bits: number;
}

export interface AnalyticDepth {
  /** Smallest deadlock-free depth, in beats of the skip stream. */
  depth: number;
  /** The closed form with this block's numbers, e.g. "(2W+3)*NS = (2*56+3)*8 = 920". */
  formula: string;
  /** One line: which output pixel needs how far ahead the input. */
  explanation: string;
  /** The binding pixel (first output pixel at which the depth is needed). */
  binding: { y: number; x: number };
  /** Skip-stream words of storage outside the FIFO (bits of all extra storage / wordBits, rounded up). */
  skipPathExtraSlots: number;
  /** The storage behind skipPathExtraSlots, per component. */
  skipPathExtra: ExtraStorage[];
  /** Bits of one FIFO word: skip lanes x activation bits. */
  wordBits: number;
  /** The closed form's value in the interior regime; equals `depth` unless the image is too small. */
  interiorDepth: number;
}

type SkipKind = { kind: 'identity' } | { kind: 'split'; r: number } | { kind: 'pack'; r: number } | { kind: 'proj' };

function skipKind(l: BlockLayout): SkipKind {
  if (l.proj) return { kind: 'proj' };
  const w = l.skipConverter;
  if (!w) return { kind: 'identity' };
  return w.inLanes > w.outLanes ? { kind: 'split', r: w.inLanes / w.outLanes } : { kind: 'pack', r: w.outLanes / w.inLanes };
}

/** Per output pixel of frame 0: the minimal depth at its first output beat. */
function depthAt(l: BlockLayout, sk: SkipKind, y: number, x: number, relOf: (u: number) => number): number {
  const ns = l.skipBeatsPerPixel;
  const p = y * l.outWidth + x;
  const j = p * ns;
  const need = mainNeedIndex(l, y, x);
  switch (sk.kind) {
    case 'identity':
      return (need + 1) * l.inBeatsPerPixel - j;
    case 'split':
      return sk.r * ((need + 1) * l.inBeatsPerPixel - 1) - j;
    case 'pack':
      return Math.ceil(((need + 1) * l.inBeatsPerPixel + 1) / sk.r) - 2 - j;
    case 'proj': {
      const cap = l.proj!.geometry.lineBufferPixels;
      const threshold = need + 1 - cap;
      if (threshold <= 0) return 1; // rel(-1) = 0 already lets the needed input in
      // rel is non-decreasing in raster order: binary search the first projection pixel U with rel(U) >= threshold.
      let lo = 0;
      let hi = l.outHeight * l.outWidth - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (relOf(mid) >= threshold) hi = mid;
        else lo = mid + 1;
      }
      return (lo + 1) * ns - 2 - j;
    }
  }
}

/** Storage outside the FIFO on the skip path, in bits, per component. */
function extraStorage(l: BlockLayout, sk: SkipKind, bits: number): ExtraStorage[] {
  const skipWord = l.skipLanes * bits;
  const inWord = l.inLanes * bits;
  const out: ExtraStorage[] = [
    { component: 'fork', holds: 'nothing (combinational lock-step broadcast)', bits: 0 },
    { component: 'adder', holds: 'one output register of finished sums (no skip operand waits there)', bits: 0 },
  ];
  switch (sk.kind) {
    case 'identity':
      break;
    case 'split':
      out.push({ component: 'skip width converter (split)', holds: `one input word of ${l.inLanes} lanes = ${sk.r} skip words`, bits: inWord });
      break;
    case 'pack':
      out.push({ component: 'skip width converter (pack)', holds: 'an output register and a partial-word accumulator, one skip word each', bits: 2 * skipWord });
      break;
    case 'proj': {
      const g = l.proj!.geometry;
      out.push({ component: 'projection output', holds: 'its output register and its finished-beat slot, one skip word each', bits: 2 * skipWord });
      out.push({ component: 'projection line buffer', holds: `${g.lineBufferPixels} input pixels x ${g.inGroups} words of ${g.simd} lanes`, bits: g.lineBufferPixels * g.inGroups * g.simd * bits });
      break;
    }
  }
  return out;
}

/** The deadlock-free depth from the geometry, its formula and its explanation. */
export function analyticDepth(l: BlockLayout): AnalyticDepth {
  const c = l.config;
  const sk = skipKind(l);
  const hw = c.height * c.width;
  const relOf = (u: number): number => {
    const g = l.proj!.geometry;
    return u < 0 ? 0 : u >= g.hOut * g.wOut ? hw : releasePixel(g, Math.floor(u / g.wOut), u % g.wOut);
  };
  let depth = 1;
  let binding = { y: 0, x: 0 };
  for (let y = 0; y < l.outHeight; y++) {
    for (let x = 0; x < l.outWidth; x++) {
      const d = depthAt(l, sk, y, x, relOf);
      if (d > depth) {
        depth = d;
        binding = { y, x };
      }
    }
  }
  const bits = c.bits;
  const wordBits = l.skipLanes * bits;
  const skipPathExtra = extraStorage(l, sk, bits);
  const extraBits = skipPathExtra.reduce((s, e) => s + e.bits, 0);
  const { formula, explanation, interiorDepth } = closedForm(l, sk);
  return { depth, formula, explanation, binding, skipPathExtraSlots: Math.ceil(extraBits / wordBits), skipPathExtra, wordBits, interiorDepth };
}

/** The interior-regime closed form, with this block's numbers substituted, and its one-line reason. */
function closedForm(l: BlockLayout, sk: SkipKind): { formula: string; explanation: string; interiorDepth: number } {
  const W = l.config.width;
  const ns = l.skipBeatsPerPixel;
  const nsText = `NS = ceil(${l.config.outChannels}/${l.skipLanes}) = ${ns}`;
  const minus = sk.kind === 'split' ? { v: sk.r, t: ` - r`, n: ` - ${sk.r}`, why: `, less the ${sk.r} skip words (one input word) held in the skip width converter` } : sk.kind === 'pack' ? { v: 1, t: ' - 1', n: ' - 1', why: ', less the word held in the skip width converter' } : { v: 0, t: '', n: '', why: '' };
  switch (l.config.block) {
    case 'basic': {
      const v = (2 * W + 3) * ns - minus.v;
      return {
        interiorDepth: v,
        formula: `(2W+3)*NS${minus.t} = (2*${W}+3)*${ns}${minus.n} = ${v}  (${nsText} skip words per pixel${sk.kind === 'identity' ? '' : `, r = ${(sk as { r: number }).r}`})`,
        explanation: `main output (y,x) needs input up to pixel (y+2,x+2) (each 3x3 pad-1 conv reads one row and one column ahead), so the FIFO holds the skip words of pixels (y,x)..(y+2,x+2): 2W+3 pixels x ${ns} words${minus.why}`,
      };
    }
    case 'bottleneck': {
      const v = (W + 2) * ns - minus.v;
      return {
        interiorDepth: v,
        formula: `(W+2)*NS${minus.t} = (${W}+2)*${ns}${minus.n} = ${v}  (${nsText} skip words per pixel${sk.kind === 'identity' ? '' : `, r = ${(sk as { r: number }).r}`})`,
        explanation: `main output (y,x) needs input up to pixel (y+1,x+1) (only the 3x3 conv reads ahead; the 1x1 convs read the current pixel), so the FIFO holds the skip words of pixels (y,x)..(y+1,x+1): W+2 pixels x ${ns} words${minus.why}`,
      };
    }
    case 'downsample': {
      const wo = l.outWidth;
      const cap = l.proj!.geometry.lineBufferPixels;
      const v = (wo + 1) * ns - 2;
      const capNote = cap === W + 3 ? '' : ` (this formula assumes a projection line buffer of W+3 pixels; it has ${cap}, so the depth comes from the geometry scan)`;
      return {
        interiorDepth: v,
        formula: `(Wo+1)*NS - 2 = (${wo}+1)*${ns} - 2 = ${v}  (Wo = ${wo} output columns, ${nsText} projected words per pixel)${capNote}`,
        explanation: `main output (oy,ox) needs input up to pixel (2oy+3,2ox+3); the projection's line buffer (W+3 = ${cap} pixels) lets that input in only once the projection has finished its output pixel (oy+1,ox), so the FIFO holds the projected words of pixels (oy,ox)..(oy+1,ox): Wo+1 pixels x ${ns} words, less the 2 finished words held in the projection's output register and result slot`,
      };
    }
  }
}
