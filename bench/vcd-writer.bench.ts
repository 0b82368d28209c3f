/**
 * Throughput of the VCD writer: 200 signals of mixed widths (1, 8, 32-bit numbers, 40..64-bit bigints,
 * integers and reals), every one changing at every time step, written to /dev/null through the file path
 * (fs.writeSync), so the number is encode speed plus syscalls, not disk speed. One benchmark op is 100 time
 * steps. After each cycle the benchmark carries `mbPerSec` (VCD megabytes, 10^6 bytes, per second) and
 * `bytesPerOp`.
 */
import Benchmark from 'benchmark';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Signal, type SignalHost, type SignalOptions } from '../sim/signal.ts';
import type { ScopeView } from '../sim/trace.ts';
import { VcdWriter } from '../waves/vcd-writer.ts';

const STEPS_PER_OP = 100;

export interface VcdWriterBenchmark extends Benchmark {
  mbPerSec?: number;
  bytesPerOp?: number;
}

function buildDesign() {
  const host: SignalHost = { updates: [], nUpdates: 0, activeOwner: null, time: 0, delta: 0 };
  const scope: ScopeView & { signals: Signal<any>[] } = { name: 'top', path: 'top', signals: [], ports: [], children: [] };
  const add = <T>(name: string, width: number, options: SignalOptions<T> = {}) => {
    const s = new Signal<T>(host, scope, name, width, options);
    scope.signals.push(s);
    return s;
  };
  // Two alternating values per signal so that every step is a real change.
  const values: [unknown, unknown][] = [];
  for (let i = 0; i < 50; i++) (add(`bit${i}`, 1), values.push([0, 1]));
  for (let i = 0; i < 50; i++) (add(`byte${i}`, 8), values.push([i, 255 - i]));
  for (let i = 0; i < 40; i++) (add(`word${i}`, 32), values.push([0x12345678 + i, 0xfedcba98 - i]));
  for (let i = 0; i < 30; i++) {
    const w = 40 + (i % 25);
    add<bigint>(`wide${i}`, w);
    values.push([(1n << BigInt(w - 1)) | BigInt(i), (1n << BigInt(w - 2)) + 12345n]);
  }
  for (let i = 0; i < 20; i++) (add(`count${i}`, 6, { traceAs: 'integer' }), values.push([i, 63 - i]));
  for (let i = 0; i < 10; i++) (add(`level${i}`, 1, { kind: 'real' }), values.push([i * 0.1, -1.5e-7 * (i + 1)]));
  return { design: { timescale: '1ps', roots: [scope], clocks: [] }, signals: scope.signals, values };
}

/** A benchmark.js suite measuring VcdWriter MB/s; `target` defaults to /dev/null (a temp file elsewhere). */
export function vcdWriterSuite(target?: string): Benchmark.Suite {
  const file = target ?? (fs.existsSync('/dev/null') ? '/dev/null' : path.join(os.tmpdir(), 'skipsim-vcd-bench.vcd'));
  const { design, signals, values } = buildDesign();
  const writer = new VcdWriter({ path: file, date: 'bench' });
  writer.open(design);
  let time = 0;
  let phase = 0;

  const op = () => {
    for (let s = 0; s < STEPS_PER_OP; s++) {
      phase ^= 1;
      for (let i = 0; i < signals.length; i++) signals[i]!.value = values[i]![phase];
      writer.step(time++, signals);
    }
  };
  // Measure the bytes one op produces (every step changes every signal, so it is constant).
  const before = writer.stats.bytesWritten;
  op();
  const bytesPerOp = writer.stats.bytesWritten - before;

  const suite = new Benchmark.Suite('VcdWriter');
  suite.add(`VcdWriter.step: 200 mixed signals all changing, ${STEPS_PER_OP} steps/op (${bytesPerOp} bytes/op)`, op);
  suite.on('cycle', (event: Benchmark.Event) => {
    const b = event.target as unknown as VcdWriterBenchmark;
    b.bytesPerOp = bytesPerOp;
    b.mbPerSec = (b.hz * bytesPerOp) / 1e6;
  });
  suite.on('complete', () => {
    void writer.close(time);
  });
  return suite;
}
