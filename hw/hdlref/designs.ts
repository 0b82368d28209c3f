import { Module } from '../../sim/module.ts';
import type { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { streamWires, type StreamWires } from '../stream/stream.ts';
import type { Clocking } from './clocked.ts';
import { AddJoin, LockstepFork } from './fork-join.ts';
import { StreamFifo } from './stream-fifo.ts';
import { StreamSink } from './stream-sink.ts';
import { StreamSource } from './stream-source.ts';
import { StreamStage, type StageKind } from './stream-stage.ts';

/** Parameters of the reference Verilog tops (same names and defaults as ../shared/reference/hdl). */
export interface HdlParams {
  N: number;
  DEPTH: number;
  KIND: StageKind;
  L: number;
  D: number;
  P_SRC: number;
  P_SNK: number;
}

export const HDL_DEFAULTS: HdlParams = { N: 8, DEPTH: 1024, KIND: 2, L: 200, D: 512, P_SRC: 12, P_SNK: 12 };

/** What both tops expose to the testbench. */
export interface HdlTop {
  readonly module: Module;
  readonly clk: Signal;
  readonly rst: Signal;
  readonly source: StreamSource;
  readonly sink: StreamSink;
  readonly fifo: StreamFifo;
}

/**
 * `stream_chain`: n stages from `input` to `output` in a module of its own (as in the Verilog, so traces
 * and the GTKWave view group the chain); with n = 0 the two streams are joined by wires.
 */
class StreamChain extends Module {
  constructor(parent: Module, name: string, c: Clocking, n: number, kind: StageKind, input: StreamWires, output: StreamWires) {
    super(parent, name);
    if (n === 0) {
      new PassThrough(this, 'wires', input, output);
      return;
    }
    let link = input;
    for (let i = 0; i < n; i++) {
      const st = new StreamStage(this, `s${i}`, c, kind);
      st.s.bind(link);
      link = i === n - 1 ? output : streamWires(this, `l${i + 1}`, { width: 16 });
      st.m.bind(link);
    }
  }
}

/** Reset edges before the counted cycles, as in tb.v. */
export const RESET_EDGES = 4;

/** clk: 10 ns period, rising at 5 + 10k; rst: 1 for the first RESET_EDGES rising edges, as in tb.v. */
function clocking(top: Module): Clocking {
  const clk = top.sim.clock(top, 'clk', { period: 10, unit: 'ns' });
  const rst = top.signal('rst', 1, { init: 1 });
  let edges = 0;
  top.onRising(clk, () => {
    if (++edges === RESET_EDGES) rst.set(0);
  });
  return { clk, rst };
}

/** pipe_top: src -> chain(floor(N/2)) -> fifo(DEPTH) -> chain(N - floor(N/2)) -> sink. */
export function pipeTop(sim: Simulator, p: HdlParams): HdlTop {
  const top = new Module(sim, 'pipe_top');
  const c = clocking(top);
  const source = new StreamSource(top, 'src', c, p.P_SRC);
  const fifo = new StreamFifo(top, 'fifo', c, p.DEPTH);
  const sink = new StreamSink(top, 'snk', c, p.P_SNK);
  const n1 = Math.floor(p.N / 2);
  const src = streamWires(top, 'src', { width: 16 });
  const fifoIn = streamWires(top, 'fifo_in', { width: 16 });
  const fifoOut = streamWires(top, 'fifo_out', { width: 16 });
  const snk = streamWires(top, 'snk', { width: 16 });
  source.m.bind(src);
  fifo.s.bind(fifoIn);
  fifo.m.bind(fifoOut);
  sink.s.bind(snk);
  new StreamChain(top, 'front', c, n1, p.KIND, src, fifoIn);
  new StreamChain(top, 'back', c, p.N - n1, p.KIND, fifoOut, snk);
  return { module: top, ...c, source, sink, fifo };
}

/**
 * resid_top: src -> lock-step fork -> main chain(L) and skip fifo(D) -> adding join -> stage(KIND) -> sink.
 * Both branches read the source's data wire, as the Verilog fork does.
 */
export function residTop(sim: Simulator, p: HdlParams): HdlTop {
  const top = new Module(sim, 'resid_top');
  const c = clocking(top);
  const source = new StreamSource(top, 'src', c, p.P_SRC);
  const fork = new LockstepFork(top, 'fork', c);
  const fifo = new StreamFifo(top, 'skip_fifo', c, p.D);
  const join = new AddJoin(top, 'join', c);
  const out = new StreamStage(top, 'out_stage', c, p.KIND);
  const sink = new StreamSink(top, 'snk', c, p.P_SNK);

  const src = streamWires(top, 'src', { width: 16 });
  source.m.bind(src);
  fork.srcValid.bind(src.valid);
  fork.srcReady.bind(src.ready);

  // Main path: the fork's main valid/ready with the source's data, through L stages, into join.a.
  const mainIn = { name: 'main_in', valid: top.signal('main_valid', 1), ready: top.signal('main_ready', 1), data: src.data };
  fork.mainValid.bind(mainIn.valid);
  fork.mainReady.bind(mainIn.ready);
  const mainOut = streamWires(top, 'main_out', { width: 16 });
  new StreamChain(top, 'main', c, p.L, p.KIND, mainIn, mainOut);
  join.aValid.bind(mainOut.valid);
  join.aReady.bind(mainOut.ready);
  join.aData.bind(mainOut.data);

  // Skip path: the fork's skip valid/ready with the source's data into the FIFO, then join.b.
  fork.skipValid.bind(fifo.s.valid.bind(top.signal('skip_valid', 1)).sig);
  fork.skipReady.bind(fifo.s.ready.bind(top.signal('skip_ready', 1)).sig);
  fifo.s.data.bind(src.data);
  const skipOut = streamWires(top, 'skip_out', { width: 16 });
  fifo.m.bind(skipOut);
  join.bValid.bind(skipOut.valid);
  join.bReady.bind(skipOut.ready);
  join.bData.bind(skipOut.data);

  const joined = streamWires(top, 'join', { width: 16 });
  join.jValid.bind(joined.valid);
  join.jReady.bind(joined.ready);
  join.jData.bind(joined.data);
  out.s.bind(joined);
  const outW = streamWires(top, 'out', { width: 16 });
  out.m.bind(outW);
  sink.s.bind(outW);
  return { module: top, ...c, source, sink, fifo };
}

/** Zero-latency wires from one stream to another (a chain of length 0). */
class PassThrough extends Module {
  constructor(parent: Module, name: string, from: StreamWires, to: StreamWires) {
    super(parent, name);
    const sv = this.input('s_valid', 1).bind(from.valid);
    const sd = this.input('s_data', 16).bind(from.data);
    const sr = this.output('s_ready', 1).bind(from.ready);
    const mv = this.output('m_valid', 1).bind(to.valid);
    const md = this.output('m_data', 16).bind(to.data);
    const mr = this.input('m_ready', 1).bind(to.ready);
    this.comb([sv, sd, mr], () => {
      mv.set(sv.value);
      md.set(sd.value);
      sr.set(mr.value);
    });
  }
}
