/**
 * Simulated cycles per second of a residual join skeleton built from the stream components:
 * driver -> fork -> main FIFO / skip FIFO -> adder (+ReLU) -> monitor, free-running, 8 int8 lanes,
 * in timing mode (payload-free beats, as FIFO sizing runs) and data mode (real lanes).
 */
import Benchmark from 'benchmark';
import type { Beat } from '../hw/stream/beat.ts';
import { joinSkeleton } from '../testbench/drivers/join-skeleton.ts';
import { bench } from '../testbench/drivers/testing.ts';

const CYCLES = 50_000;

async function runJoin(dataMode: boolean): Promise<void> {
  const t = bench();
  const lanes = 8;
  const beats: Beat[] = Array.from({ length: CYCLES }, (_, i) => ({
    lanes: dataMode ? Int8Array.from({ length: lanes }, (_v, l) => ((i + l) % 200) - 100) : null,
    tag: null,
    last: false,
  }));
  joinSkeleton(t.top, { clk: t.clk, beats, lanes, bits: 8, mainDepth: 4, skipDepth: 4, pValid: 1, driverSeed: 1, pReady: 1, monitorSeed: 2, mode: dataMode ? 'data' : 'timing' });
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
