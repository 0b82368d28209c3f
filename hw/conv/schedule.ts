/**
 * The conv's cycle model as beat-level recurrences, for a source that is always valid and a sink that is
 * always ready: the transfer edge of every input and output beat without simulating cycles. It restates the
 * documented rules independently of ConvEngine's per-edge state machine (tests check the two agree edge for
 * edge), and it is what an analytic skip-FIFO estimate can be built on.
 *
 * Edges are numbered from 1 (the first rising edge). With N = ceil(Cin/SIMD) = IG, SF = K*K*IG and NF output
 * groups, output beat j of pixel u = floor(j / NF):
 *   start[j]   = max(finish[j-1], in[needBeat(u)])        (finish[-1] = 0)
 *   finish[j]  = start[j] + SF
 *   out[j]     = finish[j] + 1                            (the output register is always free again)
 *   needBeat(u) = (need(u) + 1) * IG - 1, need(u) = global raster index of needPixel(y, x)
 * and after the last group of pixel u finishes, the line buffer's oldest live pixel becomes rel(u) =
 * frame*H*W + releasePixel(y, x). Input beat b of pixel q = floor(b / IG):
 *   in[b] = max(in[b-1] + 1, 1 + finish of the first pixel u with rel(u) > q - CAP)   (in[-1] = 0;
 *           the second term only applies when q >= CAP, since the buffer starts empty)
 */
import { needPixel, releasePixel, type ConvGeometry } from './geometry.ts';

export interface IdealSchedule {
  /** Edge at which each input beat transfers. */
  readonly inEdges: Float64Array;
  /** Edge at which each output beat starts computing (first MAC cycle ends one edge later). */
  readonly startEdges: Float64Array;
  /** Edge at which each output beat's last MAC cycle completes (it enters the output register). */
  readonly finishEdges: Float64Array;
  /** Edge at which each output beat transfers. */
  readonly outEdges: Float64Array;
}

export function idealSchedule(g: ConvGeometry, frames = 1): IdealSchedule {
  if (!Number.isSafeInteger(frames) || frames < 1) throw new RangeError(`idealSchedule: frames must be a positive integer, got ${frames}`);
  const ig = g.inGroups;
  const nf = g.outGroups;
  const hw = g.h * g.w;
  const pixelsOut = g.hOut * g.wOut;
  const cap = g.lineBufferPixels;
  const B = frames * g.inBeatsPerFrame;
  const J = frames * g.outBeatsPerFrame;
  const inEdges = new Float64Array(B);
  const startEdges = new Float64Array(J);
  const finishEdges = new Float64Array(J);
  const outEdges = new Float64Array(J);
  const relPix = new Float64Array(frames * pixelsOut);
  const relEdge = new Float64Array(frames * pixelsOut);
  let released = 0;
  let uPtr = 0;
  let nextIn = 0;

  const inputsUpTo = (bMax: number): void => {
    for (; nextIn <= bMax; nextIn++) {
      const b = nextIn;
      const q = Math.floor(b / ig);
      let e = b === 0 ? 1 : inEdges[b - 1]! + 1;
      if (q >= cap) {
        while (uPtr < released && relPix[uPtr]! <= q - cap) uPtr++;
        if (uPtr === released) throw new Error(`idealSchedule: input beat ${b} waits for a release that comes later: the model would deadlock`);
        e = Math.max(e, relEdge[uPtr]! + 1);
      }
      inEdges[b] = e;
    }
  };

  for (let j = 0; j < J; j++) {
    const u = Math.floor(j / nf);
    const frame = Math.floor(u / pixelsOut);
    const p = u - frame * pixelsOut;
    const oy = Math.floor(p / g.wOut);
    const ox = p - oy * g.wOut;
    const needBeat = (frame * hw + needPixel(g, oy, ox) + 1) * ig - 1;
    inputsUpTo(needBeat);
    const start = Math.max(j === 0 ? 0 : finishEdges[j - 1]!, inEdges[needBeat]!);
    startEdges[j] = start;
    finishEdges[j] = start + g.macCyclesPerBeat;
    outEdges[j] = start + g.macCyclesPerBeat + 1;
    if (j % nf === nf - 1) {
      relPix[released] = frame * hw + releasePixel(g, oy, ox);
      relEdge[released] = finishEdges[j]!;
      released++;
    }
  }
  inputsUpTo(B - 1);
  return { inEdges, startEdges, finishEdges, outEdges };
}
