// Layer lists (int8, batch 1, HWC) for a chain network (VGG), ResNet-18 and ResNet-50's conv2_x stage.
// Layers are in execution order; each names its input and output tensors, so a controller can run
// them and a planner can derive lifetimes. BatchNorm is folded into the convs (as on an NPU).
import type { PlannerBuffer } from './planner-core.ts';

// The layer, tensor and network types are the NPU's own (hw/npu/npu-network.ts): the lists built here
// are what its controller runs.
export type {
  NpuLayerKind as LayerKind,
  NpuShape as Shape,
  NpuLayer as Layer,
  NpuTensor as Tensor,
  NpuNetwork as Network,
} from '../../hw/npu/npu-network.ts';
import type { NpuLayer as Layer, NpuNetwork as Network, NpuShape as Shape, NpuTensor as Tensor } from '../../hw/npu/npu-network.ts';

export const elements = (s: Shape): number => s.h * s.w * s.c;

/** PyTorch's floor-mode output size for a window of k, stride s, padding p. */
export function outSize(size: number, k: number, s: number, p: number): number {
  return Math.floor((size + 2 * p - k) / s) + 1;
}

interface ConvArgs {
  cout: number;
  k: number;
  s?: number;
  p?: number;
  relu?: boolean;
}

/** Appends layers while tracking tensor shapes, so every network is shape-consistent by construction. */
class Builder {
  readonly layers: Layer[] = [];
  readonly tensors: Record<string, Tensor> = {};
  constructor(
    readonly name: string,
    readonly input: string,
    inShape: Shape,
    private readonly fuseRelu: boolean,
  ) {
    this.addTensor(input, inShape);
  }

  private addTensor(name: string, shape: Shape): void {
    if (this.tensors[name]) throw new Error(`network '${this.name}': tensor '${name}' is defined twice`);
    if (shape.h < 1 || shape.w < 1) {
      throw new Error(`network '${this.name}': tensor '${name}' would be ${shape.h}x${shape.w}: input too small`);
    }
    this.tensors[name] = { name, shape, bytes: elements(shape) };
  }

  shape(t: string): Shape {
    const tensor = this.tensors[t];
    if (!tensor) throw new Error(`network '${this.name}': unknown tensor '${t}'`);
    return tensor.shape;
  }

  private push(layer: Omit<Layer, 'output' | 'inShapes' | 'outShape'>, outShape: Shape): string {
    const inShapes = layer.inputs.map((t) => this.shape(t));
    const wantsRelu = layer.relu && !this.fuseRelu;
    this.addTensor(layer.name, outShape);
    this.layers.push({ ...layer, relu: layer.relu && this.fuseRelu, output: layer.name, inShapes, outShape });
    if (!wantsRelu) return layer.name;
    // unfused: a separate element-wise ReLU layer (one more tensor, same shape)
    const r = `${layer.name}.relu`;
    this.addTensor(r, outShape);
    this.layers.push({
      name: r, kind: 'relu', inputs: [layer.name], output: r, inShapes: [outShape], outShape,
      kernel: 1, stride: 1, padding: 0, cin: outShape.c, cout: outShape.c, relu: false,
    });
    return r;
  }

  conv(name: string, input: string, a: ConvArgs): string {
    const i = this.shape(input);
    const s = a.s ?? 1;
    const p = a.p ?? Math.floor(a.k / 2);
    const out = { h: outSize(i.h, a.k, s, p), w: outSize(i.w, a.k, s, p), c: a.cout };
    return this.push(
      { name, kind: 'conv', inputs: [input], kernel: a.k, stride: s, padding: p, cin: i.c, cout: a.cout, relu: a.relu ?? true },
      out,
    );
  }

  pool(name: string, input: string, kind: 'max' | 'avg', k: number, s: number, p: number): string {
    const i = this.shape(input);
    const out = { h: outSize(i.h, k, s, p), w: outSize(i.w, k, s, p), c: i.c };
    return this.push({ name, kind: 'pool', pool: kind, inputs: [input], kernel: k, stride: s, padding: p, cin: i.c, cout: i.c, relu: false }, out);
  }

  /** Global average pool: window = whole feature map. */
  globalAvgPool(name: string, input: string): string {
    const i = this.shape(input);
    if (i.h !== i.w) throw new Error(`network '${this.name}': global pool '${name}' expects a square input, got ${i.h}x${i.w}`);
    return this.pool(name, input, 'avg', i.h, 1, 0);
  }

  /** Fully connected layer on the flattened input. */
  matmul(name: string, input: string, cout: number, relu: boolean): string {
    const cin = elements(this.shape(input));
    return this.push(
      { name, kind: 'matmul', inputs: [input], kernel: 1, stride: 1, padding: 0, cin, cout, relu },
      { h: 1, w: 1, c: cout },
    );
  }

  add(name: string, a: string, b: string, relu: boolean): string {
    const sa = this.shape(a);
    const sb = this.shape(b);
    if (sa.h !== sb.h || sa.w !== sb.w || sa.c !== sb.c) {
      throw new Error(`network '${this.name}': add '${name}' needs equal shapes, got ${fmt(sa)} and ${fmt(sb)}`);
    }
    return this.push({ name, kind: 'add', inputs: [a, b], kernel: 1, stride: 1, padding: 0, cin: sa.c, cout: sa.c, relu }, sa);
  }

  build(outputs: string[]): Network {
    return { name: this.name, input: this.input, outputs, tensors: this.tensors, layers: this.layers };
  }
}

const fmt = (s: Shape) => `${s.h}x${s.w}x${s.c}`;

export interface NetworkOptions {
  /** Square input resolution. */
  readonly inputSize?: number;
  readonly inChannels?: number;
  /** Divide every internal channel count (for fast simulation); must divide them exactly. */
  readonly widthDivisor?: number;
  /** Emit ReLU as its own layer instead of fusing it into conv/add (default: fused). */
  readonly separateRelu?: boolean;
}

function checkOptions(net: string, o: NetworkOptions, defaultSize: number) {
  const inputSize = o.inputSize ?? defaultSize;
  const inChannels = o.inChannels ?? 3;
  const div = o.widthDivisor ?? 1;
  for (const [field, v] of [['inputSize', inputSize], ['inChannels', inChannels], ['widthDivisor', div]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${net}: ${field}: expected a positive integer, got ${v}`);
  }
  const ch = (c: number) => {
    if (c % div !== 0) throw new Error(`${net}: widthDivisor: expected a divisor of ${c} channels, got ${div}`);
    return c / div;
  };
  return { inputSize, inChannels, ch, fuse: !(o.separateRelu ?? false) };
}

export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<string, ReadonlyArray<number | 'M'>>;

export interface VggOptions extends NetworkOptions {
  readonly variant?: keyof typeof VGG_CONFIGS;
  /** Append VGG's three fully connected layers (flatten -> 4096 -> 4096 -> classes). */
  readonly classifier?: boolean;
  readonly numClasses?: number;
}

/** A plain chain: 3x3 convs (pad 1) and 2x2/2 max pools. Default 56x56 keeps simulations short. */
export function vgg(o: VggOptions = {}): Network {
  const variant = o.variant ?? 'vgg11';
  const { inputSize, inChannels, ch, fuse } = checkOptions(variant, o, 56);
  const b = new Builder(variant, 'input', { h: inputSize, w: inputSize, c: inChannels }, fuse);
  let x = 'input';
  let conv = 0;
  let pool = 0;
  for (const item of VGG_CONFIGS[variant]) {
    x = item === 'M' ? b.pool(`pool${++pool}`, x, 'max', 2, 2, 0) : b.conv(`conv${++conv}`, x, { cout: ch(item), k: 3 });
  }
  if (o.classifier) {
    x = b.matmul('fc1', x, ch(4096), true);
    x = b.matmul('fc2', x, ch(4096), true);
    x = b.matmul('fc3', x, o.numClasses ?? 1000, false);
  }
  return b.build([x]);
}

/** torchvision BasicBlock: conv3x3(s) -> conv3x3 -> (+ identity or 1x1/s projection) -> ReLU. */
function basicBlock(b: Builder, prefix: string, x: string, cout: number, stride: number): string {
  const t = b.conv(`${prefix}.conv1`, x, { cout, k: 3, s: stride });
  const f = b.conv(`${prefix}.conv2`, t, { cout, k: 3, relu: false });
  const needsProjection = stride !== 1 || b.shape(x).c !== cout;
  const id = needsProjection ? b.conv(`${prefix}.downsample`, x, { cout, k: 1, s: stride, p: 0, relu: false }) : x;
  return b.add(`${prefix}.add`, f, id, true);
}

/** torchvision Bottleneck (v1.5: stride on the 3x3): 1x1 -> 3x3 -> 1x1 (x4) -> (+ identity/projection). */
function bottleneck(b: Builder, prefix: string, x: string, width: number, stride: number): string {
  const cout = width * 4;
  const t1 = b.conv(`${prefix}.conv1`, x, { cout: width, k: 1, p: 0 });
  const t2 = b.conv(`${prefix}.conv2`, t1, { cout: width, k: 3, s: stride });
  const f = b.conv(`${prefix}.conv3`, t2, { cout, k: 1, p: 0, relu: false });
  const needsProjection = stride !== 1 || b.shape(x).c !== cout;
  const id = needsProjection ? b.conv(`${prefix}.downsample`, x, { cout, k: 1, s: stride, p: 0, relu: false }) : x;
  return b.add(`${prefix}.add`, f, id, true);
}

export interface ResNetOptions extends NetworkOptions {
  readonly numClasses?: number;
}

/** ResNet-18, every layer: conv1 7x7/2, maxpool 3x3/2, 4 stages x 2 basic blocks, avgpool, fc. Default 224x224. */
export function resnet18(o: ResNetOptions = {}): Network {
  const { inputSize, inChannels, ch, fuse } = checkOptions('resnet18', o, 224);
  const b = new Builder('resnet18', 'input', { h: inputSize, w: inputSize, c: inChannels }, fuse);
  let x = b.conv('conv1', 'input', { cout: ch(64), k: 7, s: 2, p: 3 });
  x = b.pool('maxpool', x, 'max', 3, 2, 1);
  [64, 128, 256, 512].forEach((c, stage) => {
    for (let blk = 0; blk < 2; blk++) {
      x = basicBlock(b, `layer${stage + 1}.${blk}`, x, ch(c), stage > 0 && blk === 0 ? 2 : 1);
    }
  });
  x = b.globalAvgPool('avgpool', x);
  x = b.matmul('fc', x, o.numClasses ?? 1000, false);
  return b.build([x]);
}

/** ResNet-50 conv2_x alone: 3 bottlenecks at 56x56, 64 -> 256, projection on the first block. */
export function resnet50Conv2x(o: NetworkOptions = {}): Network {
  const { inputSize, ch, fuse } = checkOptions('resnet50-conv2x', o, 56);
  const b = new Builder('resnet50-conv2x', 'input', { h: inputSize, w: inputSize, c: ch(64) }, fuse);
  let x = 'input';
  for (let blk = 0; blk < 3; blk++) x = bottleneck(b, `layer1.${blk}`, x, ch(64), 1);
  return b.build([x]);
}

// ---------------------------------------------------------------- per-layer costs

/** Multiply-accumulates: conv Hout*Wout*Cout*Cin*K^2, matmul Cin*Cout; none for add/relu/pool. */
export function layerMacs(l: Layer): number {
  if (l.kind === 'conv') return l.outShape.h * l.outShape.w * l.cout * l.cin * l.kernel * l.kernel;
  if (l.kind === 'matmul') return l.cin * l.cout;
  return 0;
}

/** Non-MAC arithmetic: one op per output element for add and relu, one per window element for pool. */
export function layerElementwiseOps(l: Layer): number {
  if (l.kind === 'add' || l.kind === 'relu') return elements(l.outShape);
  if (l.kind === 'pool') return elements(l.outShape) * l.kernel * l.kernel;
  return 0;
}

/** int8 weight bytes (biases not counted). */
export function layerWeightBytes(l: Layer): number {
  if (l.kind === 'conv') return l.kernel * l.kernel * l.cin * l.cout;
  if (l.kind === 'matmul') return l.cin * l.cout;
  return 0;
}

/** DRAM bytes if every tensor crosses the interface exactly once: inputs + weights + output. */
export function layerTrafficBytes(l: Layer): number {
  return l.inShapes.reduce((s, sh) => s + elements(sh), 0) + layerWeightBytes(l) + elements(l.outShape);
}

export function networkMacs(net: Network): number {
  return net.layers.reduce((s, l) => s + layerMacs(l), 0);
}

// ---------------------------------------------------------------- lifetimes

/**
 * One planner buffer per tensor: firstUse = producing op (the network input: its first consumer),
 * lastUse = last consuming op (network outputs: the last op). A skip tensor is consumed by the first
 * conv of a block and again by its add, so its lifetime spans the whole block.
 */
export function tensorLifetimes(net: Network): PlannerBuffer[] {
  validateNetwork(net);
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  net.layers.forEach((l, i) => {
    for (const t of l.inputs) {
      if (!first.has(t)) first.set(t, i); // only the network input is consumed before it is produced
      last.set(t, i);
    }
    first.set(l.output, i);
    if (!last.has(l.output)) last.set(l.output, i);
  });
  const end = net.layers.length - 1;
  for (const o of net.outputs) last.set(o, end);
  return Object.values(net.tensors)
    .filter((t) => first.has(t.name))
    .map((t) => ({ name: t.name, size: t.bytes, firstUse: first.get(t.name)!, lastUse: last.get(t.name)! }));
}

/** Number of tensors alive during each op (inputs, output and anything held for later). */
export function liveTensorCounts(net: Network): number[] {
  const bufs = tensorLifetimes(net);
  return net.layers.map((_, i) => bufs.filter((b) => b.firstUse <= i && i <= b.lastUse).length);
}

/** Checks names, def-before-use and shapes of a network built elsewhere; throws listing every problem. */
export function validateNetwork(net: Network): void {
  const errs: string[] = [];
  const defined = new Set<string>([net.input]);
  if (!net.tensors[net.input]) errs.push(`input: tensor '${net.input}' is not in tensors`);
  const names = new Set<string>();
  net.layers.forEach((l, i) => {
    const who = `layer ${i} '${l.name}'`;
    if (names.has(l.name)) errs.push(`${who}: name: expected unique layer names`);
    names.add(l.name);
    if (l.inputs.length !== (l.kind === 'add' ? 2 : 1)) {
      errs.push(`${who}: inputs: expected ${l.kind === 'add' ? 2 : 1} for kind '${l.kind}', got ${l.inputs.length}`);
    }
    l.inputs.forEach((t, k) => {
      if (!defined.has(t)) errs.push(`${who}: inputs[${k}]: tensor '${t}' is used before it is produced`);
      const shape = net.tensors[t]?.shape;
      const got = l.inShapes[k];
      if (shape && got && fmt(shape) !== fmt(got)) errs.push(`${who}: inShapes[${k}]: expected ${fmt(shape)} (tensor '${t}'), got ${fmt(got)}`);
    });
    if (defined.has(l.output)) errs.push(`${who}: output: tensor '${l.output}' is produced twice`);
    defined.add(l.output);
    const out = net.tensors[l.output];
    if (!out) errs.push(`${who}: output: tensor '${l.output}' is not in tensors`);
    else if (fmt(out.shape) !== fmt(l.outShape)) errs.push(`${who}: outShape: expected ${fmt(out.shape)} (tensor), got ${fmt(l.outShape)}`);
    else if (out.bytes !== elements(out.shape)) errs.push(`tensor '${out.name}': bytes: expected ${elements(out.shape)} (int8), got ${out.bytes}`);
    const i0 = l.inShapes[0];
    if ((l.kind === 'conv' || l.kind === 'pool') && i0) {
      const h = outSize(i0.h, l.kernel, l.stride, l.padding);
      const w = outSize(i0.w, l.kernel, l.stride, l.padding);
      if (h !== l.outShape.h || w !== l.outShape.w) {
        errs.push(`${who}: outShape: expected ${h}x${w} from k=${l.kernel} s=${l.stride} p=${l.padding}, got ${l.outShape.h}x${l.outShape.w}`);
      }
      if (l.cin !== i0.c) errs.push(`${who}: cin: expected ${i0.c} (input channels), got ${l.cin}`);
    }
    if (l.cout !== l.outShape.c) errs.push(`${who}: cout: expected ${l.outShape.c} (output channels), got ${l.cout}`);
  });
  for (const o of net.outputs) if (!defined.has(o)) errs.push(`outputs: tensor '${o}' is never produced`);
  if (errs.length > 0) throw new Error(`invalid network '${net.name}':\n  ${errs.join('\n  ')}`);
}
