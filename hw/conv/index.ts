/** Streaming convolution: line buffer + folded MAC engine + requantiser (docs/components-conv.md). */
export { ConvEngine, type ConvCounters, type ConvEngineOptions, type ConvMode, type ConvWeightsLike } from './conv-engine.ts';
export { LineBuffer } from './line-buffer.ts';
export {
  convGeometry,
  defaultLineBufferPixels,
  firstOutputInputBeats,
  firstOutputLatency,
  needPixel,
  releasePixel,
  windowStartPixel,
  type ConvGeometry,
  type ConvShape,
} from './geometry.ts';
export { idealSchedule, type IdealSchedule } from './schedule.ts';
export { checkRequantParams, requantizeHw } from './requant.ts';
