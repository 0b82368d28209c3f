// Roofline model (Williams, Waterman, Patterson, CACM 2009):
//   attainable ops/s = min(peak ops/s, operational intensity x memory bandwidth),
// with intensity = ops per byte of DRAM traffic. The unit of "op" is the caller's (MAC, or 2 per MAC)
// but must be the same in the peak and in the intensity.
import { type Layer, layerElementwiseOps, layerMacs, layerTrafficBytes } from './networks.ts';

function positive(field: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${field}: expected a positive finite number, got ${v}`);
}

/** Ops per DRAM byte. */
export function arithmeticIntensity(ops: number, dramBytes: number): number {
  if (!Number.isFinite(ops) || ops < 0) throw new Error(`ops: expected a non-negative finite number, got ${ops}`);
  positive('dramBytes', dramBytes);
  return ops / dramBytes;
}

export function attainableOpsPerSec(peakOpsPerSec: number, bandwidthBytesPerSec: number, intensity: number): number {
  positive('peakOpsPerSec', peakOpsPerSec);
  positive('bandwidthBytesPerSec', bandwidthBytesPerSec);
  if (!(intensity >= 0)) throw new Error(`intensity: expected a non-negative number, got ${intensity}`);
  return Math.min(peakOpsPerSec, intensity * bandwidthBytesPerSec);
}

/** Intensity where the two roofs meet: below it a kernel is memory-bound. */
export function ridgePoint(peakOpsPerSec: number, bandwidthBytesPerSec: number): number {
  positive('peakOpsPerSec', peakOpsPerSec);
  positive('bandwidthBytesPerSec', bandwidthBytesPerSec);
  return peakOpsPerSec / bandwidthBytesPerSec;
}

export type Bound = 'memory' | 'compute';

export function boundBy(peakOpsPerSec: number, bandwidthBytesPerSec: number, intensity: number): Bound {
  return intensity < ridgePoint(peakOpsPerSec, bandwidthBytesPerSec) ? 'memory' : 'compute';
}

/**
 * Element-wise add Y = F(X) + X: one add per element, two reads and one write per element,
 * so intensity = N / (3 N b) = 1 / (3 b): int8 1/3, fp16 1/6, fp32 1/12 op/B.
 */
export function elementwiseAddIntensity(elements: number, bytesPerElem: number): number {
  if (!Number.isSafeInteger(elements) || elements <= 0) {
    throw new Error(`elements: expected a positive integer, got ${elements}`);
  }
  positive('bytesPerElem', bytesPerElem);
  return arithmeticIntensity(elements, 3 * elements * bytesPerElem);
}

/** Seconds a kernel needs on the roofline: the larger of compute time and transfer time. */
export function rooflineSeconds(ops: number, dramBytes: number, peakOpsPerSec: number, bandwidthBytesPerSec: number): number {
  positive('peakOpsPerSec', peakOpsPerSec);
  positive('bandwidthBytesPerSec', bandwidthBytesPerSec);
  return Math.max(ops / peakOpsPerSec, dramBytes / bandwidthBytesPerSec);
}

/**
 * A layer's intensity when each of its tensors crosses DRAM once (inputs + weights + output):
 * MACs per byte for conv/matmul, element ops per byte for add/relu/pool.
 */
export function layerIntensity(l: Layer): number {
  const ops = l.kind === 'conv' || l.kind === 'matmul' ? layerMacs(l) : layerElementwiseOps(l);
  return arithmeticIntensity(ops, layerTrafficBytes(l));
}

