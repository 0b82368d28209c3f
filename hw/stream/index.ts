/** Stream components: valid/ready bundles, beats, protocol checker, FIFO, fork, join, converters. */
export { streamWires, connect, StreamIn, StreamOut, type StreamWires, type StreamShape } from './stream.ts';
export { beatSignal, formatBeat, formatTag, makeBeat, sameTag, type Beat, type BeatData, type Tag } from './beat.ts';
export type { ClockedOptions } from './params.ts';
export { ProtocolChecker, type ProtocolCheckerOptions, type ProtocolRule, type ProtocolViolation } from './protocol-checker.ts';
export { SkipFifo, type SkipFifoOptions } from './skip-fifo.ts';
export { Fork, type ForkOptions } from './fork.ts';
export { Adder, type AdderOptions } from './adder.ts';
export { WidthConverter, type WidthConverterOptions } from './width-converter.ts';
export { ReluRequant, requantLane, type ReluRequantOptions } from './relu-requant.ts';
