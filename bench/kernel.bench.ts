/**
 * Simulated cycles per second of the kernel on the reference designs (../shared/reference/hdl), with and
 * without full VCD tracing. One benchmark op is one whole run (build, reset, `cycles` edges); cycles/s is
 * cycles x ops/s, so construction is included, as a user would see it.
 */
import Benchmark from 'benchmark';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runHdlBench, type HdlDesign } from '../testbench/hdl/hdl-bench.ts';
import { WaveFiles } from '../waves/wave-files.ts';
import type { HdlParams } from '../hw/hdlref/designs.ts';

export interface KernelCase {
  name: string;
  design: HdlDesign;
  params: Partial<HdlParams>;
  cycles: number;
  traced: boolean;
}

export const KERNEL_CASES: KernelCase[] = [8, 64, 512].flatMap((n) =>
  [false, true].map((traced) => ({
    name: `pipe N=${n}${traced ? ' +VCD' : ''}`,
    design: 'pipe' as const,
    params: { N: n },
    cycles: n === 512 ? 20_000 : 200_000,
    traced,
  })),
);

export interface KernelBenchmark extends Benchmark {
  cyclesPerSecond?: number;
}

export function kernelSuite(cases: KernelCase[] = KERNEL_CASES): Benchmark.Suite {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-bench-'));
  const suite = new Benchmark.Suite('kernel');
  for (const c of cases) {
    suite.add(c.name, {
      defer: true,
      minSamples: 5,
      fn: (deferred: Benchmark.Deferred) => {
        const trace = c.traced ? new WaveFiles({ vcd: path.join(dir, 'bench.vcd'), gtkw: false }) : undefined;
        runHdlBench({ design: c.design, params: c.params, cycles: c.cycles, trace }).then(() => deferred.resolve());
      },
      onComplete(this: KernelBenchmark) {
        this.cyclesPerSecond = c.cycles * this.hz;
      },
    });
  }
  suite.on('complete', () => fs.rmSync(dir, { recursive: true, force: true }));
  return suite;
}
