/**
 * The residual-block scenario configuration: a zod schema for what a user writes (JSON, YAML or CLI
 * options), and `parseScenarioConfig`, which validates it and fills in the defaults. Every error names the
 * field (`convs.conv2.simd`) and what was expected; cross-field rules (folding that the stream converters
 * cannot regroup, a projection whose lanes differ from the adder's) are checked in block-layout.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const BLOCK_KINDS = ['basic', 'bottleneck', 'downsample'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** The convs of each block type, in data-path order (the projection last). */
export const CONV_NAMES: Record<BlockKind, readonly ConvName[]> = {
  basic: ['conv1', 'conv2'],
  bottleneck: ['conv1', 'conv2', 'conv3'],
  downsample: ['conv1', 'conv2', 'proj'],
};
export type ConvName = 'conv1' | 'conv2' | 'conv3' | 'proj';

/** Lanes per beat of one conv: SIMD input lanes, PE output lanes. */
export interface Folding {
  simd: number;
  pe: number;
}

/** How the source offers beats: every cycle, with a probability per cycle, or `beats` of every `every` cycles. */
export type SourceRate =
  | { kind: 'free' }
  | { kind: 'probability'; validProbability: number; seed: string }
  | { kind: 'fixed'; beats: number; every: number };

/** A validated scenario with every default filled in. */
export interface ScenarioConfig {
  block: BlockKind;
  height: number;
  width: number;
  /** Input channels C (= the identity skip's channels). */
  channels: number;
  /** Channels between the main-path convs. */
  midChannels: number;
  /** Output channels (= channels for an identity skip). */
  outChannels: number;
  /** Activation bits of the skip stream's lanes (the FIFO word is skipLanes x bits). */
  bits: number;
  frames: number;
  /** Folding of every conv of this block type. */
  convs: Partial<Record<ConvName, Folding>>;
  source: SourceRate;
  /** Probability that the sink is ready in a cycle (1: never stalls) and the seed of that pattern. */
  backpressure: { readyProbability: number; seed: string };
  /** 'data': int8 lanes, bit-exact against testbench/ref; 'timing': no lanes, same cycles. */
  mode: 'data' | 'timing';
  /** Debug mode: tags on every beat (the adder proves each sum pairs one pixel) and protocol checkers. */
  debug: boolean;
  /** Skip FIFO depth in beats of the skip stream; Infinity for the unbounded FIFO. */
  fifoDepth: number;
  /** Seed of the input tensors and the weights (data mode). */
  seed: string;
}

/** A configuration error that names the field (dotted path) and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    got?: unknown,
  ) {
    super(`config field '${field}': ${expected}${got === undefined ? '' : `, got ${show(got)}`}`);
    this.name = 'ConfigError';
  }
}

function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return `'${v}'`;
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER, or = '') => {
  const what = (max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in ${min}..${max}`) + or;
  return z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(min, { error: `expected ${what}` }).max(max, { error: `expected ${what}` });
};
const probability = z
  .number({ error: 'expected a probability in (0, 1]' })
  .gt(0, { error: 'expected a probability in (0, 1]' })
  .lte(1, { error: 'expected a probability in (0, 1]' });
const seed = z.union([z.string(), z.number().int()], { error: 'expected a seed (a string or an integer)' });
const folding = z.strictObject({ simd: int(1).optional(), pe: int(1).optional() }, { error: 'expected an object { simd, pe }' });

/** What a user may write. Field names are those of ScenarioConfig; see `describeSchema` for the text form. */
export const scenarioSchema = z.strictObject(
  {
    block: z.enum(BLOCK_KINDS, { error: `expected one of ${BLOCK_KINDS.join(', ')}` }),
    height: int(1),
    width: int(1),
    channels: int(1),
    midChannels: int(1).optional(),
    outChannels: int(1).optional(),
    /** Default lanes of every conv (the per-conv `convs` entries override them). */
    simd: int(1).optional(),
    pe: int(1).optional(),
    convs: z
      .strictObject({ conv1: folding.optional(), conv2: folding.optional(), conv3: folding.optional(), proj: folding.optional() }, { error: 'expected an object keyed by conv1, conv2, conv3, proj' })
      .optional(),
    bits: int(2, 32).optional(),
    frames: int(1).optional(),
    source: z
      .union(
        [
          z.literal('free'),
          z.strictObject({ validProbability: probability, seed: seed.optional() }),
          z.strictObject({ beats: int(1), every: int(1) }),
        ],
        { error: "expected 'free', { validProbability, seed? } or { beats, every }" },
      )
      .optional(),
    backpressure: z
      .union([probability, z.strictObject({ readyProbability: probability, seed: seed.optional() })], {
        error: 'expected a ready probability in (0, 1] or { readyProbability, seed? }',
      })
      .optional(),
    mode: z.enum(['data', 'timing'], { error: "expected 'data' or 'timing'" }).optional(),
    debug: z.boolean({ error: 'expected true or false' }).optional(),
    fifoDepth: z
      .union([int(1, Number.MAX_SAFE_INTEGER, " or 'unbounded'"), z.literal(Infinity), z.literal('Infinity'), z.literal('unbounded')], {
        error: "expected an integer >= 1, or 'unbounded' / 'Infinity'",
      })
      .optional(),
    seed: seed.optional(),
  },
  { error: 'expected an object' },
);

export type ScenarioInput = z.input<typeof scenarioSchema>;

/** The value at a dotted path of the raw input, for "got ..." in messages. */
function valueAt(input: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function firstIssue(error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0]!;
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const field = at ? `${at}.${key}` : key;
    const allowed = at === '' ? Object.keys(scenarioSchema.shape).join(', ') : at === 'convs' ? 'conv1, conv2, conv3, proj' : 'see docs';
    return new ConfigError(field, `unknown field (expected one of: ${allowed})`);
  }
  const got = valueAt(input, issue.path);
  if (got === undefined && issue.path.length) return new ConfigError(at, `missing: ${issue.message}`);
  return new ConfigError(at || '(config)', issue.message, got);
}

/** Default lanes when neither `simd`/`pe` nor a per-conv entry says: 8, a common FINN folding. */
export const DEFAULT_LANES = 8;

/** Defaults a command may choose differently (sizing runs 2 frames, as FINN does, unless told). */
export interface ConfigDefaults {
  frames?: number;
  mode?: 'data' | 'timing';
}

/** Validate `input` and fill in the defaults. Throws ConfigError naming the first bad field. */
export function parseScenarioConfig(input: unknown, defaults: ConfigDefaults = {}): ScenarioConfig {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) throw firstIssue(r.error, input);
  const c = r.data;
  const kind = c.block;
  const names = CONV_NAMES[kind];
  for (const k of Object.keys(c.convs ?? {})) {
    if (!(names as readonly string[]).includes(k)) {
      throw new ConfigError(`convs.${k}`, `the ${kind} block has convs ${names.join(', ')}`);
    }
  }
  const identity = kind !== 'downsample';
  const outChannels = c.outChannels ?? (identity ? c.channels : 2 * c.channels);
  if (identity && outChannels !== c.channels) {
    throw new ConfigError('outChannels', `the ${kind} block has an identity skip, so outChannels must equal channels (${c.channels})`, outChannels);
  }
  const midChannels = c.midChannels ?? (kind === 'bottleneck' ? Math.max(1, Math.ceil(c.channels / 4)) : outChannels);
  const convs: Partial<Record<ConvName, Folding>> = {};
  for (const n of names) {
    const f = c.convs?.[n];
    convs[n] = { simd: f?.simd ?? c.simd ?? DEFAULT_LANES, pe: f?.pe ?? c.pe ?? DEFAULT_LANES };
  }
  if (kind === 'downsample') {
    // The projection reads the fork's stream (conv1's input lanes) and feeds the adder (conv2's output lanes).
    const given = c.convs?.proj;
    const p = convs.proj!;
    if (given?.simd === undefined) p.simd = convs.conv1!.simd;
    if (given?.pe === undefined) p.pe = convs.conv2!.pe;
  }
  // The gap patterns follow the config's seed unless they have their own.
  const seedText = String(c.seed ?? 1);
  let source: SourceRate = { kind: 'free' };
  const s = c.source;
  if (s !== undefined && s !== 'free') {
    if ('validProbability' in s) {
      source = s.validProbability === 1 ? { kind: 'free' } : { kind: 'probability', validProbability: s.validProbability, seed: String(s.seed ?? `${seedText}/source`) };
    } else {
      if (s.beats > s.every) throw new ConfigError('source.beats', `must be <= source.every (${s.every}): at most one beat per cycle`, s.beats);
      source = s.beats === s.every ? { kind: 'free' } : { kind: 'fixed', beats: s.beats, every: s.every };
    }
  }
  const bp = c.backpressure;
  const sinkSeed = `${seedText}/sink`;
  const backpressure =
    bp === undefined
      ? { readyProbability: 1, seed: sinkSeed }
      : typeof bp === 'number'
        ? { readyProbability: bp, seed: sinkSeed }
        : { readyProbability: bp.readyProbability, seed: String(bp.seed ?? sinkSeed) };
  const mode = c.mode ?? defaults.mode ?? 'data';
  const bits = c.bits ?? 8;
  if (mode === 'data' && bits !== 8) {
    throw new ConfigError('bits', "must be 8 in data mode (the conv engines and the reference are int8); other widths are for timing-mode sizing, where they set the FIFO word width", bits);
  }
  const d = c.fifoDepth;
  return {
    block: kind,
    height: c.height,
    width: c.width,
    channels: c.channels,
    midChannels,
    outChannels,
    bits,
    frames: c.frames ?? defaults.frames ?? 1,
    convs,
    source,
    backpressure,
    mode,
    debug: c.debug ?? mode === 'data',
    fifoDepth: d === undefined || typeof d === 'string' ? Infinity : d,
    seed: seedText,
  };
}

/** Read a scenario from a .json, .yaml or .yml file; errors name the file and the field. */
export function loadScenarioFile(file: string, defaults: ConfigDefaults = {}): ScenarioConfig {
  return parseScenarioConfig(readConfigFile(file), defaults);
}

/** The raw object of a JSON or YAML config file (not yet validated). */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', `cannot read config file ${file}: ${(e as Error).message}`);
  }
  const ext = path.extname(file).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text) as unknown;
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text) as unknown;
  } catch (e) {
    throw new ConfigError('(file)', `${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new ConfigError('(file)', `config file must end in .json, .yaml or .yml`, file);
}

/** A config back as a plain object (Infinity as 'unbounded'), e.g. to write beside a report. */
export function configToJson(c: ScenarioConfig): Record<string, unknown> {
  const source = c.source.kind === 'free' ? 'free' : c.source.kind === 'probability' ? { validProbability: c.source.validProbability, seed: c.source.seed } : { beats: c.source.beats, every: c.source.every };
  return {
    block: c.block,
    height: c.height,
    width: c.width,
    channels: c.channels,
    midChannels: c.midChannels,
    outChannels: c.outChannels,
    bits: c.bits,
    frames: c.frames,
    convs: c.convs,
    source,
    backpressure: c.backpressure,
    mode: c.mode,
    debug: c.debug,
    fifoDepth: c.fifoDepth === Infinity ? 'unbounded' : c.fifoDepth,
    seed: c.seed,
  };
}
