/**
 * Public entry point of the golden reference ops. The code lives in small single-purpose files:
 *   conv.ts      conv2d and the [kh][kw][cin][cout] weight layout
 *   quant.ts     requantize (exact rule documented there), saturate, addSat, relu
 *   residual.ts  basic / bottleneck / downsample residual blocks
 *   matmul.ts    int8 x int8 -> int32 matrix multiply for a MAC array
 */
export * from './conv.ts';
export * from './quant.ts';
export * from './residual.ts';
export * from './matmul.ts';
