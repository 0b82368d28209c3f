/**
 * The residual-block testbench: composes a block from the hardware components on one clock.
 *
 *   src (StreamDriver) -x-> fork --main_in--> conv1 -> [wc] -> conv2 -> ... --main_out--> add.a
 *                               \--skip_in--> [skip_wc | proj] --skip_w--> skip_fifo --skip_q--> add.b
 *   add (saturating, ReLU) -y-> sink (StreamMonitor, random backpressure)
 *
 * Hierarchy: `top` holds the clock, the source, the sink, the watchdog and (debug mode) the protocol
 * checkers under `top.checks`; `top.block` holds the hardware (fork, convs, converters, FIFO, adder) and
 * its streams, so the GTKWave view groups them. See block-layout.ts for the skip-path order.
 */
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace.ts';
import { Watchdog } from '../../sim/watchdog.ts';
import { ConvEngine, type ConvEngineOptions } from '../../hw/conv/conv-engine.ts';
import { Adder } from '../../hw/stream/adder.ts';
import { beatSignal, type Beat } from '../../hw/stream/beat.ts';
import { Fork } from '../../hw/stream/fork.ts';
import { ProtocolChecker } from '../../hw/stream/protocol-checker.ts';
import { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import { connect, type StreamIn, type StreamOut, type StreamWires } from '../../hw/stream/stream.ts';
import { WidthConverter } from '../../hw/stream/width-converter.ts';
import { Scoreboard } from '../drivers/scoreboard.ts';
import { StreamDriver, type Gaps } from '../drivers/stream-driver.ts';
import { StreamMonitor } from '../drivers/stream-monitor.ts';
import { blockLayout, type BlockLayout, type ConvSpec } from './block-layout.ts';
import { makeBlockData, type BlockData } from './block-params.ts';
import type { ScenarioConfig, SourceRate } from './config.ts';
import { dataBeats, timingBeats } from './streams.ts';

export interface BuildOptions {
  /** Skip FIFO depth; default the config's fifoDepth. */
  depth?: number;
  /** Record waves (e.g. `new WaveFiles({ vcd })`). */
  trace?: TraceSink;
  /** Watchdog limit; default `defaultIdleCycles(config)`. */
  idleCycles?: number;
  /** Data-mode stimulus (weights, frames, expected outputs); made from the seed when omitted. */
  data?: BlockData;
}

/** A built block, ready to run: every component, stream and checker, by role. */
export interface ResidualBench {
  sim: Simulator;
  top: Module;
  block: Module;
  clk: Signal<number>;
  layout: BlockLayout;
  config: ScenarioConfig;
  depth: number;
  source: StreamDriver;
  fork: Fork;
  main: ConvEngine[];
  mainConverters: (WidthConverter | null)[];
  proj: ConvEngine | null;
  skipConverter: WidthConverter | null;
  fifo: SkipFifo;
  adder: Adder;
  sink: StreamMonitor;
  watchdog: Watchdog;
  checkers: ProtocolChecker[];
  scoreboard: Scoreboard | null;
  streams: Map<string, StreamWires<Beat | null>>;
  /** Output beats of all frames: the run is complete when the sink has taken them all. */
  expectedBeats: number;
  data: BlockData | null;
}

/** The source's per-cycle offer decision for a rate. */
export function sourceGaps(s: SourceRate): Gaps {
  switch (s.kind) {
    case 'free':
      return 1;
    case 'probability':
      return s.validProbability;
    case 'fixed': {
      const { beats, every } = s;
      return (cycle: number) => (cycle - 1) % every < beats;
    }
  }
}

/**
 * Cycles without any progress after which the watchdog declares a deadlock. A healthy block always moves
 * something: a conv computing counts every MAC cycle, so only the source's and the sink's gaps can be
 * long. With probability p a gap of n cycles has chance (1-p)^n; 30/p cycles make that below e^-30.
 */
export function defaultIdleCycles(c: ScenarioConfig): number {
  let n = 64;
  if (c.source.kind === 'fixed') n += 2 * c.source.every;
  if (c.source.kind === 'probability') n += Math.ceil(30 / c.source.validProbability);
  if (c.backpressure.readyProbability < 1) n += Math.ceil(30 / c.backpressure.readyProbability);
  return n;
}

function convOptions(s: ConvSpec, clk: Signal<number>, c: ScenarioConfig, data: BlockData | null): ConvEngineOptions {
  const o: ConvEngineOptions = {
    clk,
    height: s.height,
    width: s.width,
    cin: s.cin,
    cout: s.cout,
    k: s.k,
    stride: s.stride,
    pad: s.pad,
    simd: s.simd,
    pe: s.pe,
    mode: c.mode,
    relu: s.relu,
    outputBits: 8,
    tags: c.debug,
    checkInputTags: c.debug,
  };
  if (data !== null) {
    const p = data.params[s.name]!;
    o.weights = p.weights;
    o.bias = p.bias;
    o.quant = { scale: p.scale, shift: p.shift };
  }
  return o;
}

/** Build the block for `config` into a new simulator. */
export function buildResidualBlock(config: ScenarioConfig, options: BuildOptions = {}): ResidualBench {
  const layout = blockLayout(config);
  const c = config;
  const depth = options.depth ?? c.fifoDepth;
  const dataMode = c.mode === 'data';
  const data = dataMode ? (options.data ?? makeBlockData(layout)) : null;
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const block = new Module(top, 'block');
  const streams = new Map<string, StreamWires<Beat | null>>();
  const checks = c.debug ? new Module(top, 'checks') : null;
  const checkers: ProtocolChecker[] = [];
  const link = (parent: Module, name: string, from: StreamOut<Beat | null>, to: StreamIn<Beat | null>, lanes: number, forkBranch = false): StreamWires<Beat | null> => {
    const w = connect(parent, name, from, to, beatSignal(lanes, 8));
    streams.set(name, w);
    if (checks) checkers.push(new ProtocolChecker(checks, name, w, { clk, mode: c.mode, lanes, bits: 8, allowValidDrop: forkBranch }));
    return w;
  };

  // Stimulus and expected output.
  const { inLanes, skipLanes } = layout;
  const input = data ? dataBeats(data.inputs, inLanes, c.debug) : timingBeats(c.height, c.width, layout.inBeatsPerPixel, c.frames, c.debug);
  const expectedBeats = layout.outBeatsPerFrame * c.frames;
  let scoreboard: Scoreboard | null = null;
  if (data) {
    scoreboard = new Scoreboard({ expected: dataBeats(data.outputs, skipLanes, c.debug), seed: c.seed, label: `${c.block} block output` });
  } else if (c.debug) {
    const expected = timingBeats(layout.outHeight, layout.outWidth, layout.skipBeatsPerPixel, c.frames, true);
    scoreboard = new Scoreboard({ expected, timingOnly: true, seed: c.seed, label: `${c.block} block output` });
  }

  const source = new StreamDriver(top, 'src', { clk, beats: input, lanes: inLanes, bits: 8, pValid: sourceGaps(c.source), seed: c.source.kind === 'probability' ? c.source.seed : 'source' });
  const fork = new Fork(block, 'fork', { clk, branches: ['main', 'skip'], lanes: inLanes, bits: 8 });
  const main = layout.main.map((s) => new ConvEngine(block, s.name, convOptions(s, clk, c, data)));
  const mainConverters = layout.mainConverters.map((w) => (w ? new WidthConverter(block, w.name, { clk, inLanes: w.inLanes, outLanes: w.outLanes, bits: 8 }) : null));
  const proj = layout.proj ? new ConvEngine(block, 'proj', convOptions(layout.proj, clk, c, data)) : null;
  const sw = layout.skipConverter;
  const skipConverter = sw ? new WidthConverter(block, sw.name, { clk, inLanes: sw.inLanes, outLanes: sw.outLanes, bits: 8 }) : null;
  const fifo = new SkipFifo(block, 'skip_fifo', { clk, depth, lanes: skipLanes, bits: 8 });
  const adder = new Adder(block, 'add', { clk, lanes: skipLanes, inBits: 8, outBits: 8, relu: true, aName: 'main path', bName: 'skip path' });
  const sink = new StreamMonitor(top, 'sink', { clk, lanes: skipLanes, bits: 8, pReady: c.backpressure.readyProbability, seed: c.backpressure.seed, scoreboard: scoreboard ?? undefined });

  // Wiring, in data-path order.
  link(top, 'x', source.m, fork.s, inLanes);
  link(block, 'main_in', fork.branch('main'), main[0]!.s, inLanes, true);
  for (let i = 1; i < main.length; i++) {
    const prev = main[i - 1]!;
    const next = main[i]!;
    const wc = mainConverters[i - 1]!;
    const name = `${prev.name}_out`;
    if (wc) {
      link(block, name, prev.m, wc.s, layout.main[i - 1]!.pe);
      link(block, `${next.name}_in`, wc.m, next.s, layout.main[i]!.simd);
    } else {
      link(block, name, prev.m, next.s, layout.main[i - 1]!.pe);
    }
  }
  link(block, 'main_out', main[main.length - 1]!.m, adder.a, skipLanes);
  const skipStage = proj ?? skipConverter;
  if (skipStage) {
    link(block, 'skip_in', fork.branch('skip'), skipStage.s, inLanes, true);
    link(block, 'skip_w', skipStage.m, fifo.s, skipLanes);
  } else {
    link(block, 'skip_in', fork.branch('skip'), fifo.s, inLanes, true);
  }
  link(block, 'skip_q', fifo.m, adder.b, skipLanes);
  link(top, 'y', adder.m, sink.s, skipLanes);

  const watchdog = new Watchdog(top, 'watchdog', { clock: clk, idleCycles: options.idleCycles ?? defaultIdleCycles(c), workRemains: () => sink.count < expectedBeats });
  if (options.trace) sim.trace(options.trace);
  return { sim, top, block, clk, layout, config: c, depth, source, fork, main, mainConverters, proj, skipConverter, fifo, adder, sink, watchdog, checkers, scoreboard, streams, expectedBeats, data };
}
