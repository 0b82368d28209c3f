/**
 * The stream skeleton of a residual join, shared by the residual-pipeline test and the components bench:
 * driver -> fork -> main FIFO / skip FIFO -> adder (+ReLU) -> monitor, with beat wires between them.
 */
import type { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { Adder } from '../../hw/stream/adder.ts';
import type { Beat } from '../../hw/stream/beat.ts';
import { Fork } from '../../hw/stream/fork.ts';
import { ProtocolChecker } from '../../hw/stream/protocol-checker.ts';
import { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import type { StreamWires } from '../../hw/stream/stream.ts';
import type { Scoreboard } from './scoreboard.ts';
import { StreamDriver, type Gaps } from './stream-driver.ts';
import { StreamMonitor } from './stream-monitor.ts';
import { beatWires } from './testing.ts';

/** Makes a beat stream of the skeleton (`lanes` defaults to the skeleton's), recorded in `wires`. */
export type JoinWire = (name: string, lanes?: number) => StreamWires<Beat | null>;

export interface JoinSkeletonOptions {
  clk: Signal<number>;
  /** What the driver sends, in order. */
  beats: readonly Beat[];
  lanes: number;
  bits: number;
  mainDepth: number;
  skipDepth: number;
  /** Driver offer probability or schedule (default 1) and its seed (default 1). */
  pValid?: Gaps;
  driverSeed?: string | number;
  /** Monitor ready probability or schedule (default 1) and its seed (default 2). */
  pReady?: Gaps;
  monitorSeed?: string | number;
  /** Payload mode of the beats; used by the protocol checkers. */
  mode: 'data' | 'timing';
  /** Put a ProtocolChecker (`chk_<wire>`) on every stream (default false: nothing but the skeleton). */
  check?: boolean;
  /** Handed to the monitor, which compares every beat as it arrives. */
  scoreboard?: Scoreboard;
  /** Stages between the main FIFO's output `q` and the adder: returns the stream the adder takes. */
  mainPath?: (q: StreamWires<Beat | null>, wire: JoinWire) => StreamWires<Beat | null>;
}

export interface JoinSkeleton {
  drv: StreamDriver;
  fork: Fork;
  mainFifo: SkipFifo;
  skipFifo: SkipFifo;
  add: Adder;
  mon: StreamMonitor;
  /** Every stream, in the order made: x, fork_main, fork_skip, main_q, (mainPath's), skip_q, y. */
  wires: StreamWires<Beat | null>[];
}

/** Builds the skeleton in `parent`: modules drv, fork, main_fifo, skip_fifo, add (ReLU), mon. */
export function joinSkeleton(parent: Module, o: JoinSkeletonOptions): JoinSkeleton {
  const { clk, lanes, bits } = o;
  const wires: StreamWires<Beat | null>[] = [];
  const stream = (name: string, n = lanes, allowValidDrop = false) => {
    const s = beatWires(parent, name, n, bits);
    wires.push(s);
    if (o.check) new ProtocolChecker(parent, `chk_${name}`, s, { clk, lanes: n, bits, mode: o.mode, allowValidDrop });
    return s;
  };
  const drv = new StreamDriver(parent, 'drv', { clk, beats: o.beats, lanes, bits, pValid: o.pValid ?? 1, seed: o.driverSeed ?? 1 });
  const fork = new Fork(parent, 'fork', { clk, branches: ['main', 'skip'], lanes, bits });
  const mainFifo = new SkipFifo(parent, 'main_fifo', { clk, depth: o.mainDepth, lanes, bits });
  const skipFifo = new SkipFifo(parent, 'skip_fifo', { clk, depth: o.skipDepth, lanes, bits });
  const add = new Adder(parent, 'add', { clk, lanes, inBits: bits, relu: true });
  const mon = new StreamMonitor(parent, 'mon', { clk, lanes, bits, pReady: o.pReady ?? 1, seed: o.monitorSeed ?? 2, scoreboard: o.scoreboard });
  const x = stream('x');
  drv.m.bind(x);
  fork.s.bind(x);
  const fm = stream('fork_main', lanes, true); // lock-step fork branches may drop valid
  fork.branch('main').bind(fm);
  mainFifo.s.bind(fm);
  const fs = stream('fork_skip', lanes, true);
  fork.branch('skip').bind(fs);
  skipFifo.s.bind(fs);
  const q = stream('main_q');
  mainFifo.m.bind(q);
  add.a.bind(o.mainPath ? o.mainPath(q, stream) : q);
  const skip = stream('skip_q');
  skipFifo.m.bind(skip);
  add.b.bind(skip);
  const y = stream('y');
  add.m.bind(y);
  mon.s.bind(y);
  return { drv, fork, mainFifo, skipFifo, add, mon, wires };
}
