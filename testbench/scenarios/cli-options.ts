/**
 * The command-line face of a scenario, shared by `skipsim run` and `skipsim size-fifo`: the options, their
 * translation into a config object (merged over a JSON/YAML config file when one is given), error messages
 * that name the option (or the config field and file), and a progress bar drawn only on a terminal.
 */
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliIo } from '../cli/io.ts';
import { integer, oneOf } from '../cli/options.ts';
import { blockLayout } from './block-layout.ts';
import { BLOCK_KINDS, ConfigError, parseScenarioConfig, readConfigFile, type ConfigDefaults, type ScenarioConfig } from './config.ts';

/** Config field -> the option that sets it. */
const OPTION_OF: Record<string, string> = {
  block: '--block',
  height: '--height',
  width: '--width',
  channels: '--channels',
  midChannels: '--mid-channels',
  outChannels: '--out-channels',
  simd: '--simd',
  pe: '--pe',
  bits: '--bits',
  frames: '--frames',
  source: '--source-rate',
  backpressure: '--backpressure',
  seed: '--seed',
  mode: '--mode',
  fifoDepth: '--depth',
  debug: '--no-debug',
};

function probability(value: string): number {
  const p = Number(value);
  if (value.trim() === '' || !(p > 0 && p <= 1)) throw new InvalidArgumentError(`expected a probability in (0, 1], got '${value}'.`);
  return p;
}

/** 'free', a valid probability such as 0.8, or 'B/N' (B beats of every N cycles). */
function sourceRate(value: string): unknown {
  if (value === 'free') return 'free';
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (m) {
    const beats = Number(m[1]);
    const every = Number(m[2]);
    if (beats >= 1 && every >= beats) return { beats, every };
    throw new InvalidArgumentError(`expected B/N with 1 <= B <= N, got '${value}'.`);
  }
  const p = Number(value);
  if (value.trim() !== '' && p > 0 && p <= 1) return { validProbability: p };
  throw new InvalidArgumentError(`expected 'free', a valid probability in (0, 1] (e.g. 0.8) or B/N beats per cycles (e.g. 1/3), got '${value}'.`);
}

function depth(value: string): number | string {
  if (value === 'unbounded' || value === 'Infinity' || value === 'inf') return 'unbounded';
  return integer(1)(value);
}

/** Add the scenario options (everything but the command's own). */
export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .argument('[config]', 'a JSON or YAML scenario file (per-conv folding under convs: {conv1: {simd, pe}, ...}); options given as well override its fields')
    .option('--block <kind>', `block type: ${BLOCK_KINDS.join(' | ')}`, oneOf(BLOCK_KINDS))
    .option('--height <H>', 'input height (rows)', integer(1))
    .option('--width <W>', 'input width (pixels per row)', integer(1))
    .option('--channels <C>', 'input channels', integer(1))
    .option('--mid-channels <M>', 'channels between the main-path convs (default: C for basic, C/4 for bottleneck, K for downsample)', integer(1))
    .option('--out-channels <K>', 'output channels (identity blocks: = C; downsample default 2C)', integer(1))
    .option('--simd <S>', 'input lanes of every conv (default 8)', integer(1))
    .option('--pe <P>', 'output lanes of every conv; the skip stream and the adder carry P channels per beat (default 8)', integer(1))
    .option('--bits <B>', 'activation bits of the skip stream (sets the FIFO word width; data mode needs 8)', integer(2, 32))
    .option('--frames <N>', 'frames streamed back to back', integer(1))
    .option('--source-rate <rate>', "source: 'free', a valid probability per cycle (0.8) or B/N beats per cycles (1/3)", sourceRate)
    .option('--backpressure <p>', 'probability that the sink is ready in a cycle (1: never stalls)', probability)
    .option('--seed <s>', 'seed of the data, the weights and the random gaps');
}

/** Options that `run` adds. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--depth <D>', "skip FIFO depth in beats of the skip stream, or 'unbounded' (default: from the config, else unbounded)", depth)
    .option('--mode <mode>', 'data (int8 lanes, checked bit-exact against the reference) | timing (same cycles, no arithmetic)', oneOf(['data', 'timing'] as const))
    .option('--no-debug', 'no beat tags, no protocol checkers (faster)');
}

/** The raw config object the options describe (only the options actually given). */
function rawFromOptions(o: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const map: [string, string][] = [
    ['block', 'block'],
    ['height', 'height'],
    ['width', 'width'],
    ['channels', 'channels'],
    ['midChannels', 'midChannels'],
    ['outChannels', 'outChannels'],
    ['simd', 'simd'],
    ['pe', 'pe'],
    ['bits', 'bits'],
    ['frames', 'frames'],
    ['sourceRate', 'source'],
    ['backpressure', 'backpressure'],
    ['seed', 'seed'],
    ['mode', 'mode'],
    ['depth', 'fifoDepth'],
  ];
  for (const [opt, field] of map) if (o[opt] !== undefined) raw[field] = o[opt];
  if (o.debug === false) raw.debug = false;
  return raw;
}

/**
 * The scenario from an optional config file and the options (options win), validated down to the block
 * layout. Throws ConfigError whose message names the option when the bad value came from one, else the
 * config field and the file.
 */
export function scenarioFromCli(file: string | undefined, o: Record<string, unknown>, defaults: ConfigDefaults = {}): ScenarioConfig {
  const fromOptions = rawFromOptions(o);
  let raw: Record<string, unknown> = fromOptions;
  if (file !== undefined) {
    const base = readConfigFile(file);
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new ConfigError('(file)', `${file} must hold an object of scenario fields`);
    raw = { ...(base as Record<string, unknown>), ...fromOptions };
  } else {
    for (const f of ['block', 'height', 'width', 'channels']) {
      if (raw[f] === undefined) throw new CliError(f, `option '${OPTION_OF[f]}' is required (with --block, --height, --width and --channels), or give a config file`);
    }
  }
  try {
    const c = parseScenarioConfig(raw, defaults);
    blockLayout(c);
    return c;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const [top, , lanes] = e.field.split('.');
    // A folding error without per-conv entries comes from the block-wide simd / pe (an option or the file's).
    const blockWide = top === 'convs' && raw.convs === undefined && (lanes === 'simd' || lanes === 'pe') ? lanes : null;
    const key = blockWide ?? top!;
    const opt = OPTION_OF[key];
    const where = `config field '${e.field}'`;
    if (opt !== undefined && key in fromOptions) throw new CliError(e.field, e.message.replace(where, `option '${opt}'`));
    if (file !== undefined) throw new CliError(e.field, e.message.replace(where, blockWide ? `config field '${blockWide}' in ${file} (for ${e.field})` : `${where} in ${file}`));
    throw e;
  }
}

/** A ConfigError whose message is already phrased for the command line. */
class CliError extends ConfigError {
  constructor(field: string, message: string) {
    super(field, '');
    this.message = message;
  }
}

export interface Progress {
  update(value: number, total: number, text?: string): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal and output is not JSON; otherwise silent. */
export function progressBar(io: CliIo, enabled: boolean, label: string): Progress {
  if (!enabled || !io.interactive) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} {text}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value, total, text = '') {
      if (!started) {
        bar.start(total, value, { text });
        started = true;
      }
      bar.setTotal(total);
      bar.update(value, { text });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
