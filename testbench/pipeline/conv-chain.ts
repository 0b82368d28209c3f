/**
 * A streaming testbench: source -> conv -> conv -> ... -> sink on one clock, built from the shared drivers
 * (testbench/drivers), with seeded valid/ready gaps, a ProtocolChecker on every stream, a deadlock watchdog,
 * and optionally a handshake recorder and a trace sink.
 */
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace.ts';
import { Watchdog } from '../../sim/watchdog.ts';
import { beatSignal, type Beat } from '../../hw/stream/beat.ts';
import { ProtocolChecker } from '../../hw/stream/protocol-checker.ts';
import { connect, type StreamWires } from '../../hw/stream/stream.ts';
import { ConvEngine, type ConvEngineOptions } from '../../hw/conv/conv-engine.ts';
import { HandshakeRecorder, StreamDriver, StreamMonitor, type Gaps, type Scoreboard } from '../drivers/index.ts';
import type { Shape } from '../ref/tensor.ts';

export interface ChainOptions {
  /** The convs in order; each one's simd must equal the previous one's pe (int8 lanes between them). */
  convs: readonly Omit<ConvEngineOptions, 'clk'>[];
  input: readonly Beat[];
  /** Output beats to wait for. */
  expectedOut: number;
  pValid?: Gaps;
  pReady?: Gaps;
  /** Seeds of the source's and sink's gap patterns. */
  seed?: string | number;
  /** Record every stream's valid/ready before each edge. */
  record?: boolean;
  /** Attach a ProtocolChecker to every stream (default true; off for speed measurements). */
  check?: boolean;
  scoreboard?: Scoreboard;
  trace?: TraceSink;
  /** Give up after this many cycles (default: a generous bound from the geometry). */
  maxCycles?: number;
}

export interface ChainResult {
  sim: Simulator;
  clk: Signal<number>;
  convs: ConvEngine[];
  source: StreamDriver;
  sink: StreamMonitor;
  streams: StreamWires<Beat | null>[];
  checkers: ProtocolChecker[];
  recorder: HandshakeRecorder | null;
  /** Rising edges simulated. */
  cycles: number;
}

export async function runChain(o: ChainOptions): Promise<ChainResult> {
  if (o.convs.length === 0) throw new RangeError('runChain: convs must not be empty');
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const convs = o.convs.map((c, i) => new ConvEngine(top, `conv${i}`, { ...c, clk }));
  const first = convs[0]!;
  const last = convs[convs.length - 1]!;
  const seed = o.seed ?? 1;
  const source = new StreamDriver(top, 'src', { clk, beats: o.input, lanes: first.geometry.simd, bits: 8, pValid: o.pValid, seed: `${seed}/src` });
  const sink = new StreamMonitor(top, 'snk', { clk, lanes: last.geometry.pe, bits: last.outputBits, pReady: o.pReady, seed: `${seed}/snk`, scoreboard: o.scoreboard });
  const streams: StreamWires<Beat | null>[] = [connect(top, 'in', source.m, first.s, beatSignal(first.geometry.simd, 8))];
  for (let i = 1; i < convs.length; i++) {
    const a = convs[i - 1]!;
    const b = convs[i]!;
    if (a.geometry.pe !== b.geometry.simd || a.outputBits !== 8) {
      throw new RangeError(`runChain: conv${i - 1} gives ${a.geometry.pe} x int${a.outputBits} lanes but conv${i} takes ${b.geometry.simd} x int8`);
    }
    streams.push(connect(top, `s${i}`, a.m, b.s, beatSignal(b.geometry.simd, 8)));
  }
  streams.push(connect(top, 'out', last.m, sink.s, beatSignal(last.geometry.pe, last.outputBits)));
  const checkers = (o.check ?? true ? streams : []).map((w, i) => {
    const consumer = convs[i] ?? last;
    const lanes = i < convs.length ? convs[i]!.geometry.simd : last.geometry.pe;
    const bits = i < convs.length ? 8 : last.outputBits;
    return new ProtocolChecker(top, `check_${i}`, w, { clk, mode: consumer.mode, lanes, bits });
  });
  const recorder = o.record ? new HandshakeRecorder(top, 'rec', { clk, streams }) : null;
  const slowest = Math.max(...convs.map((c) => c.geometry.cyclesPerPixel));
  new Watchdog(top, 'watchdog', { clock: clk, idleCycles: 1000 + 4 * slowest, workRemains: () => sink.count < o.expectedOut });
  if (o.trace) sim.trace(o.trace);
  const work = o.input.length + convs.reduce((s, c) => s + (c.geometry.cyclesPerPixel + c.geometry.inGroups * c.geometry.stride ** 2) * c.geometry.hOut * c.geometry.wOut, 0);
  const maxCycles = o.maxCycles ?? 100 * work + 10_000;
  const why = await sim.run({ clock: clk, cycles: maxCycles, until: () => sink.count >= o.expectedOut });
  if (why !== 'until') {
    const blocked = convs.map((c) => `${c.path}: ${c.blockedOn() ?? 'not blocked'}`).join('; ');
    throw new Error(`runChain: stopped (${why}) after ${sim.clockOf(clk).cycles} cycles with ${sink.count}/${o.expectedOut} output beats; ${blocked}`);
  }
  return { sim, clk, convs, source, sink, streams, checkers, recorder, cycles: sim.clockOf(clk).cycles };
}

/**
 * Lane-less beats of `frames` frames of an image in stream order (timing mode). Without tags all beats
 * share two constant objects, so even a 56x56x256 stream costs one array of references.
 */
export function timingStream(shape: Shape, lanes: number, frames = 1, tags = false): Beat[] {
  const groups = Math.ceil(shape.c / lanes);
  const perFrame = shape.h * shape.w * groups;
  const plain: Beat = { lanes: null, tag: null, last: false };
  const plainLast: Beat = { lanes: null, tag: null, last: true };
  const out: Beat[] = new Array(perFrame * frames);
  for (let i = 0; i < out.length; i++) {
    const frame = Math.floor(i / perFrame);
    const r = i - frame * perFrame;
    const last = r === perFrame - 1;
    if (!tags) {
      out[i] = last ? plainLast : plain;
      continue;
    }
    const g = r % groups;
    const px = (r - g) / groups;
    out[i] = { lanes: null, tag: { frame, y: Math.floor(px / shape.w), x: px % shape.w, group: g }, last };
  }
  return out;
}
