/**
 * `npm run bench`: runs every benchmark.js suite under bench/ and prints one line per case.
 * Record the results in docs/performance.md with the machine and the date.
 */
import os from 'node:os';
import type Benchmark from 'benchmark';
import { kernelSuite, type KernelBenchmark } from './kernel.bench.ts';
import { vcdWriterSuite, type VcdWriterBenchmark } from './vcd-writer.bench.ts';
import { extraSuites } from './suites.ts';

function runSuite(suite: Benchmark.Suite, describe: (b: Benchmark) => string): Promise<void> {
  return new Promise((resolve) => {
    suite.on('cycle', (e: Benchmark.Event) => {
      const b = e.target as unknown as Benchmark;
      console.log(`  ${String(b.name).padEnd(28)} ${describe(b)}  (±${b.stats.rme.toFixed(1)}%, ${b.stats.sample.length} runs)`);
    });
    suite.on('complete', () => resolve());
    suite.run({ async: true });
  });
}

const only = process.argv[2];
console.log(`skipsim benchmarks — ${new Date().toISOString()} — ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}`);
if (!only || only === 'kernel') {
  console.log('kernel (simulated cycles per second):');
  await runSuite(kernelSuite(), (b) => `${Math.round((b as KernelBenchmark).cyclesPerSecond ?? 0).toLocaleString('en-US')} cycles/s`);
}
if (!only || only === 'vcd') {
  console.log('VCD writer:');
  await runSuite(vcdWriterSuite(), (b) => `${((b as VcdWriterBenchmark).mbPerSec ?? 0).toFixed(1)} MB/s`);
}
for (const [name, make] of Object.entries(extraSuites)) {
  if (only && only !== name) continue;
  console.log(`${name}:`);
  const { suite, describe } = make();
  await runSuite(suite, describe);
}
