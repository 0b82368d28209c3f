/**
 * Simulated cycles per second of a residual join skeleton built from the stream components:
 * driver -> fork -> main FIFO / skip FIFO -> adder (+ReLU) -> monitor, free-running, 8 int8 lanes,
 * in timing mode (payload-free beats, as FIFO sizing runs) and data mode (real lanes).
 */
import Benchmark from 'benchmark';
import { Adder } from '../hw/stream/adder.ts';
import type { Beat } from '../hw/stream/beat.ts';
import { Fork } from '../hw/stream/fork.ts';
import { SkipFifo } from '../hw/stream/skip-fifo.ts';
import { StreamDriver } from '../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../testbench/drivers/stream-monitor.ts';
import { beatWires, bench } from '../testbench/drivers/testing.ts';

const CYCLES = 50_000;

async function runJoin(dataMode: boolean): Promise<void> {
  const t = bench();
  const lanes = 8;
  const beats: Beat[] = Array.from({ length: CYCLES }, (_, i) => ({
    lanes: dataMode ? Int8Array.from({ length: lanes }, (_v, l) => ((i + l) % 200) - 100) : null,
    tag: null,
    last: false,
  }));
  const o = { clk: t.clk, lanes, bits: 8 };
  const drv = new StreamDriver(t.top, 'drv', { ...o, beats, pValid: 1, seed: 1 });
  const fork = new Fork(t.top, 'fork', { ...o, branches: ['main', 'skip'] });
  const mainFifo = new SkipFifo(t.top, 'main_fifo', { ...o, depth: 4 });
  const skipFifo = new SkipFifo(t.top, 'skip_fifo', { ...o, depth: 4 });
  const add = new Adder(t.top, 'add', { clk: t.clk, lanes, relu: true });
  const mon = new StreamMonitor(t.top, 'mon', { ...o, pReady: 1, seed: 2 });
  const w = (n: string) => beatWires(t.top, n, lanes, 8);
  const x = w('x');
  drv.m.bind(x);
  fork.s.bind(x);
  const a = w('a');
  fork.branch('main').bind(a);
  mainFifo.s.bind(a);
  const b = w('b');
  fork.branch('skip').bind(b);
  skipFifo.s.bind(b);
  const c = w('c');
  mainFifo.m.bind(c);
  add.a.bind(c);
  const d = w('d');
  skipFifo.m.bind(d);
  add.b.bind(d);
  const e = w('e');
  add.m.bind(e);
  mon.s.bind(e);
  await t.sim.run({ cycles: CYCLES, clock: t.clk });
}

export function componentsSuite(): { suite: Benchmark.Suite; describe: (b: Benchmark) => string } {
  const suite = new Benchmark.Suite('components');
  for (const dataMode of [false, true]) {
    suite.add(`residual join ${dataMode ? 'data' : 'timing'} mode`, {
      defer: true,
      minSamples: 5,
      fn: (deferred: Benchmark.Deferred) => void runJoin(dataMode).then(() => deferred.resolve()),
    });
  }
  return { suite, describe: (b) => `${Math.round(CYCLES * b.hz).toLocaleString('en-US')} cycles/s` };
}
