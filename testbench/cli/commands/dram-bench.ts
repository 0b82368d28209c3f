import { InvalidArgumentError, type Command } from 'commander';
import { DRAM_PARAMS, type DramName } from '../../../hw/npu/dram-params.ts';
import { DRAM_PATTERNS, runDramBench, type DramPattern } from '../../../hw/npu/dram-traffic.ts';
import type { CliIo } from '../io.ts';
import { integer, oneOf } from '../options.ts';

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

/** A byte count: `1048576`, `64KiB`, `1MiB`, `2MB` (binary KiB/MiB/GiB, decimal kB/MB/GB). */
export function byteCount(value: string): number {
  const m = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive byte count such as 1048576, 64KiB or 1MiB, got '${value}'.`);
  }
  return n;
}

const f2 = (x: number) => x.toFixed(2);
const f1 = (x: number) => x.toFixed(1);

/** `skipsim dram-bench`: drive the DRAM controller alone with one access pattern and report what it achieved. */
export function registerDramBench(program: Command, io: CliIo): void {
  program
    .command('dram-bench')
    .description('drive the cycle-accurate DRAM controller with a sequential, random or mixed (2 reads : 1 write) stream')
    .option('--dram <name>', Object.keys(DRAM_PARAMS).join(' | '), oneOf(Object.keys(DRAM_PARAMS) as DramName[]), 'ddr4-3200')
    .option('--pattern <p>', DRAM_PATTERNS.join(' | '), oneOf(DRAM_PATTERNS), 'sequential')
    .option('--bytes <n>', 'bytes to move, rounded up to 64-byte bursts (e.g. 1048576, 256KiB, 1MiB)', byteCount, 1024 * 1024)
    .option('--seed <s>', 'seed of the random pattern', 'dram-bench')
    .option('--mapping <m>', 'address mapping, MSB first (default row:bank:column:bankgroup)')
    .option('--queue <n>', 'read and write queue depth', integer(1, 4096), 32)
    .option('--json', 'print the result as one JSON object')
    .action(async (o) => {
      const { result: r } = await runDramBench({
        dram: o.dram as DramName,
        pattern: o.pattern as DramPattern,
        bytes: o.bytes,
        seed: o.seed,
        mapping: o.mapping,
        readQueueDepth: o.queue,
        writeQueueDepth: o.queue,
      });
      if (o.json) {
        io.out(JSON.stringify(r));
        return;
      }
      const rows = r.rowHits + r.rowMisses + r.rowConflicts;
      io.out(`dram-bench ${r.dram} ${r.pattern} (mapping ${r.mapping})`);
      io.out(`  moved       ${r.bytes} bytes: ${r.reads} reads, ${r.writes} writes of 64 B in ${f1(r.elapsedNs)} ns (${r.dramCycles} tCK)`);
      io.out(`  bandwidth   ${f2(r.bandwidthGBps)} GB/s = ${f1(r.percentOfPeak)}% of peak ${f2(r.peakGBps)} GB/s`);
      io.out(`  bounds      sequential ${f2(r.sequentialBoundGBps)} GB/s, random row-miss ${f2(r.randomBoundGBps)} GB/s`);
      io.out(`  row buffer  ${r.rowHits} hits, ${r.rowMisses} misses, ${r.rowConflicts} conflicts (hit rate ${f1((100 * r.rowHits) / Math.max(1, rows))}%)`);
      io.out(`  commands    ${r.activates} ACT, ${r.precharges} PRE, ${r.refreshes} REF, ${r.turnarounds} read/write turnarounds`);
      io.out(`  latency     mean ${f1(r.meanLatencyNs)} ns, max ${f1(r.maxLatencyNs)} ns`);
      io.err(`simulated in ${r.wallSeconds.toFixed(2)} s`);
    });
}
