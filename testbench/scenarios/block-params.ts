/**
 * Data-mode stimulus of a residual block: random int8 weights, int32 biases and requantisation
 * parameters per conv (seeded), the input frames, and the expected output from the independent golden
 * model testbench/ref residualBlockRef.
 */
import { randomWeights, type ConvWeights } from '../ref/conv.ts';
import { residualBlockRef, type QuantConv, type ResidualParams } from '../ref/residual.ts';
import { randomTensor, type Tensor } from '../ref/tensor.ts';
import { makeRng, type Rng } from '../stimulus/random.ts';
import type { ConvName } from './config.ts';
import { allConvs, type BlockLayout, type ConvSpec } from './block-layout.ts';

export interface ConvParams extends QuantConv {
  readonly weights: ConvWeights;
  readonly bias: Int32Array;
}

export interface BlockData {
  /** Weights, bias and quantisation per conv name. */
  params: Partial<Record<ConvName, ConvParams>>;
  /** The reference model's parameters (same objects). */
  ref: ResidualParams;
  /** One random int8 input tensor per frame. */
  inputs: Tensor<Int8Array>[];
  /** residualBlockRef of each input. */
  outputs: Tensor<Int8Array>[];
}

/**
 * Requantisation that keeps the outputs spread over the int8 range rather than all saturated: a sum of
 * N = K*K*Cin products of uniform int8 values has a standard deviation near sqrt(N) * 5461; scale it to ~40.
 */
function quantFor(rng: Rng, s: ConvSpec): { scale: number; shift: number } {
  const shift = 16;
  const std = Math.sqrt(s.k * s.k * s.cin) * 5461;
  const target = 30 + rng.int(0, 20);
  return { scale: Math.max(1, Math.round((2 ** shift * target) / std)), shift };
}

function convParams(rng: Rng, s: ConvSpec): ConvParams {
  const weights = randomWeights(rng, s.k, s.k, s.cin, s.cout);
  const bias = new Int32Array(s.cout);
  for (let i = 0; i < s.cout; i++) bias[i] = rng.int(-4000, 4000);
  return { weights, bias, ...quantFor(rng, s) };
}

/** Seeded parameters and frames of a block (the seed is the config's). */
export function makeBlockData(layout: BlockLayout): BlockData {
  const c = layout.config;
  const rng = makeRng(`${c.seed}/weights`);
  const params: Partial<Record<ConvName, ConvParams>> = {};
  for (const s of allConvs(layout)) params[s.name] = convParams(rng, s);
  let ref: ResidualParams;
  switch (c.block) {
    case 'basic':
      ref = { kind: 'basic', conv1: params.conv1!, conv2: params.conv2! };
      break;
    case 'bottleneck':
      ref = { kind: 'bottleneck', conv1: params.conv1!, conv2: params.conv2!, conv3: params.conv3! };
      break;
    case 'downsample':
      ref = { kind: 'downsample', conv1: params.conv1!, conv2: params.conv2!, proj: params.proj! };
      break;
  }
  const xr = makeRng(`${c.seed}/input`);
  const inputs: Tensor<Int8Array>[] = [];
  for (let f = 0; f < c.frames; f++) inputs.push(randomTensor(xr, c.height, c.width, c.channels));
  const outputs = inputs.map((x) => residualBlockRef(x, ref));
  return { params, ref, inputs, outputs };
}
