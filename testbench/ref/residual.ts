/**
 * Reference ResNet residual blocks on int8 NHWC tensors. Each conv is followed by its own
 * requantisation to int8 (acc -> requantize(acc, scale, shift)), then ReLU where the block has one.
 * The skip add is a saturating int8 add with no rescaling (both operands are assumed to share
 * one scale), followed by the block's final ReLU.
 *
 *   basic:      main = conv3x3(s1) -> ReLU -> conv3x3(s1);            out = ReLU(main +sat x)
 *   bottleneck: main = conv1x1 -> ReLU -> conv3x3 -> ReLU -> conv1x1;  out = ReLU(main +sat x)
 *   downsample: main = conv3x3(s2) -> ReLU -> conv3x3(s1);
 *               skip = conv1x1(s2, pad 0) of x;                       out = ReLU(main +sat skip)
 * 3x3 convs use pad 1 and 1x1 convs pad 0, so both paths of a downsample block end up
 * floor((H-1)/2)+1 tall.
 */
import { conv2d, type ConvWeights } from './conv.ts';
import { addSatTensor, relu, requantizeTensor } from './quant.ts';
import { Tensor, shapeToString } from './tensor.ts';

/** One conv plus the requantisation that brings its int32 accumulators back to int8. */
export interface QuantConv {
  readonly weights: ConvWeights;
  readonly bias?: Int32Array;
  readonly scale: number;
  readonly shift: number;
}

export type ResidualParams =
  | { readonly kind: 'basic'; readonly conv1: QuantConv; readonly conv2: QuantConv }
  | { readonly kind: 'bottleneck'; readonly conv1: QuantConv; readonly conv2: QuantConv; readonly conv3: QuantConv }
  | { readonly kind: 'downsample'; readonly conv1: QuantConv; readonly conv2: QuantConv; readonly proj: QuantConv };

/** Every intermediate, so a testbench can tell which stage of the hardware went wrong. */
export interface ResidualStages {
  /** Requantised output of each main-path conv, after its ReLU if it has one. */
  readonly main: Tensor<Int8Array>[];
  /** What is added to the main path: x itself, or the requantised projection. */
  readonly skip: Tensor<Int8Array>;
  /** main +sat skip, before the final ReLU. */
  readonly sum: Tensor<Int8Array>;
  readonly out: Tensor<Int8Array>;
}

function qconv(x: Tensor<Int8Array>, q: QuantConv, k: number, stride: number, where: string): Tensor<Int8Array> {
  const w = q.weights;
  if (w.kh !== k || w.kw !== k) throw new RangeError(`${where} must be ${k}x${k}, got ${w.kh}x${w.kw}`);
  if (w.cin !== x.shape.c) {
    throw new RangeError(`${where}: weights.cin must equal its input channels ${x.shape.c}, got ${w.cin}`);
  }
  const acc = conv2d(x, { weights: w, bias: q.bias, stride, pad: (k - 1) / 2 });
  return requantizeTensor(acc, q.scale, q.shift);
}

export function residualBlockStages(x: Tensor, params: ResidualParams): ResidualStages {
  const where = `residualBlockRef(${params.kind})`;
  if (x.dtype !== 'int8') throw new TypeError(`${where}: input must be an int8 tensor, got ${x.dtype}`);
  const x8 = x as Tensor<Int8Array>;
  const main: Tensor<Int8Array>[] = [];
  let skip: Tensor<Int8Array>;

  switch (params.kind) {
    case 'basic': {
      main.push(relu(qconv(x8, params.conv1, 3, 1, `${where}: conv1`)));
      main.push(qconv(main[0]!, params.conv2, 3, 1, `${where}: conv2`));
      skip = x8;
      break;
    }
    case 'bottleneck': {
      main.push(relu(qconv(x8, params.conv1, 1, 1, `${where}: conv1`)));
      main.push(relu(qconv(main[0]!, params.conv2, 3, 1, `${where}: conv2`)));
      main.push(qconv(main[1]!, params.conv3, 1, 1, `${where}: conv3`));
      skip = x8;
      break;
    }
    case 'downsample': {
      main.push(relu(qconv(x8, params.conv1, 3, 2, `${where}: conv1`)));
      main.push(qconv(main[0]!, params.conv2, 3, 1, `${where}: conv2`));
      skip = qconv(x8, params.proj, 1, 2, `${where}: proj`);
      break;
    }
    default: {
      const never: never = params;
      throw new RangeError(`residualBlockRef: kind must be basic, bottleneck or downsample, got ${(never as { kind: unknown }).kind}`);
    }
  }

  const last = main[main.length - 1]!;
  if (last.shape.c !== skip.shape.c) {
    const lastName = params.kind === 'bottleneck' ? 'conv3' : 'conv2';
    const skipName = params.kind === 'downsample' ? 'proj.cout' : 'input channels';
    throw new RangeError(`${where}: ${lastName}.cout (${last.shape.c}) must equal ${skipName} (${skip.shape.c}) for the skip add`);
  }
  if (last.shape.h !== skip.shape.h || last.shape.w !== skip.shape.w) {
    // Cannot happen with the fixed strides/pads above; kept as a guard for future block kinds.
    throw new RangeError(`${where}: main ${shapeToString(last.shape)} and skip ${shapeToString(skip.shape)} differ`);
  }
  const sum = addSatTensor(last, skip);
  return { main, skip, sum, out: relu(sum) };
}

/** The block's int8 output; see residualBlockStages for the intermediates. */
export function residualBlockRef(x: Tensor, params: ResidualParams): Tensor<Int8Array> {
  return residualBlockStages(x, params).out;
}
