/**
 * The structure of a residual block as a plain description (no simulation objects): the main-path convs
 * with their shapes and folding, the width converters between them, and the skip path. The builder
 * (residual-block.ts), the reference parameters (block-params.ts) and the analytic sizing
 * (testbench/sizing/analytic.ts) all read this one description.
 *
 * Skip path order:
 *   identity:   fork.skip -> [WidthConverter conv1.simd -> skip lanes] -> SkipFifo -> adder.b
 *   downsample: fork.skip -> proj (1x1 stride-2 ConvEngine) -> SkipFifo -> adder.b
 * The downsample FIFO sits after the projection: it then stores the projected tensor, which has a quarter of
 * the input's pixels (and in ResNet twice its channels, so half its bits), and the projection computes as
 * soon as its input arrives, off the join's critical path. A FIFO before the projection would hold x at full
 * resolution. The width converter of the identity skip sits before the FIFO so that the FIFO word is the
 * adder's word and its depth counts beats of the skip stream.
 */
import { convGeometry, type ConvGeometry } from '../../hw/conv/geometry.ts';
import { CONV_NAMES, ConfigError, type ConvName, type ScenarioConfig } from './config.ts';

export interface ConvSpec {
  name: ConvName;
  k: number;
  stride: number;
  pad: number;
  cin: number;
  cout: number;
  simd: number;
  pe: number;
  /** ReLU after requantisation (all main-path convs but the last). */
  relu: boolean;
  /** Input image of this conv. */
  height: number;
  width: number;
  geometry: ConvGeometry;
}

/** A WidthConverter between two streams of the same channels. */
export interface ConverterSpec {
  name: string;
  inLanes: number;
  outLanes: number;
  /** Channels on the stream (a multiple of both lane counts). */
  channels: number;
}

export interface BlockLayout {
  config: ScenarioConfig;
  /** Main-path convs in order. */
  main: ConvSpec[];
  /** converters[i]: between main[i] and main[i+1] (null when pe_i == simd_{i+1}). */
  mainConverters: (ConverterSpec | null)[];
  /** The 1x1 stride-2 projection of a downsample block, else null. */
  proj: ConvSpec | null;
  /** The identity skip's converter from the source's lanes to the skip lanes, else null. */
  skipConverter: ConverterSpec | null;
  /** Lanes of the source stream (conv1's SIMD). */
  inLanes: number;
  /** Lanes of the skip stream, the adder and the sink (the last conv's PE). */
  skipLanes: number;
  /** Source beats per input pixel: ceil(C / inLanes). */
  inBeatsPerPixel: number;
  /** Skip-stream (and output) beats per output pixel: ceil(Cout / skipLanes). */
  skipBeatsPerPixel: number;
  outHeight: number;
  outWidth: number;
  /** Source beats of one frame and output beats of one frame. */
  inBeatsPerFrame: number;
  outBeatsPerFrame: number;
}

function convSpec(c: ScenarioConfig, name: ConvName, k: number, stride: number, cin: number, cout: number, relu: boolean, height: number, width: number): ConvSpec {
  const f = c.convs[name]!;
  const pad = (k - 1) / 2;
  const geometry = convGeometry({ height, width, cin, cout, k, stride, pad, simd: f.simd, pe: f.pe }, name);
  return { name, k, stride, pad, cin, cout, simd: f.simd, pe: f.pe, relu, height, width, geometry };
}

/** A converter from `inLanes` to `outLanes` lanes, or null when they are equal; errors name `field`. */
function converter(name: string, inLanes: number, outLanes: number, channels: number, field: string, what: string): ConverterSpec | null {
  if (inLanes === outLanes) return null;
  const big = Math.max(inLanes, outLanes);
  if (big % Math.min(inLanes, outLanes) !== 0) {
    throw new ConfigError(field, `${what}: ${inLanes} and ${outLanes} lanes must be multiples of each other (a WidthConverter regroups by an integer ratio)`, outLanes);
  }
  if (channels % big !== 0) {
    throw new ConfigError(field, `${what}: regrouping ${inLanes} into ${outLanes} lanes needs the ${channels} channels to be a multiple of ${big} (no padded lane groups), or equal lanes on both sides`, outLanes);
  }
  return { name, inLanes, outLanes, channels };
}

/** Derive the block's structure from a validated config; cross-field errors name the field. */
export function blockLayout(c: ScenarioConfig): BlockLayout {
  const { height: H, width: W, channels: C, midChannels: M, outChannels: K } = c;
  const names = CONV_NAMES[c.block];
  let main: ConvSpec[];
  let proj: ConvSpec | null = null;
  const geometryError = (e: unknown): never => {
    const m = e instanceof Error ? e.message : String(e);
    const conv = names.find((n) => m.startsWith(`${n}:`)) ?? 'height';
    throw new ConfigError(conv === 'height' ? 'height' : `convs.${conv}`, m.replace(/^\w+: /, ''));
  };
  try {
    switch (c.block) {
      case 'basic':
        main = [convSpec(c, 'conv1', 3, 1, C, M, true, H, W), convSpec(c, 'conv2', 3, 1, M, K, false, H, W)];
        break;
      case 'bottleneck':
        main = [convSpec(c, 'conv1', 1, 1, C, M, true, H, W), convSpec(c, 'conv2', 3, 1, M, M, true, H, W), convSpec(c, 'conv3', 1, 1, M, K, false, H, W)];
        break;
      case 'downsample': {
        const c1 = convSpec(c, 'conv1', 3, 2, C, M, true, H, W);
        main = [c1, convSpec(c, 'conv2', 3, 1, M, K, false, c1.geometry.hOut, c1.geometry.wOut)];
        proj = convSpec(c, 'proj', 1, 2, C, K, false, H, W);
        break;
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    geometryError(e);
  }
  main = main!;
  const mainConverters = main.slice(1).map((next, i) => {
    const prev = main[i]!;
    return converter(`${prev.name}_to_${next.name}`, prev.pe, next.simd, prev.cout, `convs.${next.name}.simd`, `${prev.name}.pe (${prev.pe}) feeds ${next.name}.simd (${next.simd})`);
  });
  const first = main[0]!;
  const last = main[main.length - 1]!;
  const skipLanes = last.pe;
  let skipConverter: ConverterSpec | null = null;
  if (proj !== null) {
    if (proj.simd !== first.simd) {
      throw new ConfigError('convs.proj.simd', `the projection reads the fork's stream, so it must equal conv1.simd (${first.simd})`, proj.simd);
    }
    if (proj.pe !== skipLanes) {
      throw new ConfigError('convs.proj.pe', `the projection feeds the adder, so it must equal ${last.name}.pe (${skipLanes}), the adder's lanes`, proj.pe);
    }
  } else {
    skipConverter = converter('skip_wc', first.simd, skipLanes, C, `convs.${last.name}.pe`, `the identity skip carries conv1.simd (${first.simd}) lanes to the adder's ${last.name}.pe (${skipLanes})`);
  }
  const outHeight = last.geometry.hOut;
  const outWidth = last.geometry.wOut;
  const inBeatsPerPixel = first.geometry.inGroups;
  const skipBeatsPerPixel = Math.ceil(K / skipLanes);
  return {
    config: c,
    main,
    mainConverters,
    proj,
    skipConverter,
    inLanes: first.simd,
    skipLanes,
    inBeatsPerPixel,
    skipBeatsPerPixel,
    outHeight,
    outWidth,
    inBeatsPerFrame: H * W * inBeatsPerPixel,
    outBeatsPerFrame: outHeight * outWidth * skipBeatsPerPixel,
  };
}

/** Every conv of the block: the main path then the projection. */
export function allConvs(l: BlockLayout): ConvSpec[] {
  return l.proj ? [...l.main, l.proj] : [...l.main];
}
