import { performance } from 'node:perf_hooks';
import { HDL_DEFAULTS, RESET_EDGES, pipeTop, residTop, type HdlParams, type HdlTop } from '../../hw/hdlref/designs.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceSink } from '../../sim/trace.ts';

export type HdlDesign = 'pipe' | 'resid';

export interface HdlBenchOptions {
  design: HdlDesign;
  params?: Partial<HdlParams>;
  /** Rising edges with rst = 0 (the Verilog testbench's +cycles). */
  cycles: number;
  /** Optional waveform sink (e.g. a VcdWriter). */
  trace?: TraceSink;
}

/** The numbers the Verilog testbench prints, plus our speed. */
export interface HdlBenchResult {
  design: HdlDesign;
  params: HdlParams;
  cycles: number;
  /** Checksum as 8 lowercase hex digits. */
  csum: string;
  rx: number;
  tx: number;
  maxOcc: number;
  cyclesPerSecond: number;
}

/** Build the reference design, apply reset like tb.v, run `cycles` edges and read the results. */
export function buildHdlBench(design: HdlDesign, params: HdlParams): { sim: Simulator; top: HdlTop } {
  const sim = new Simulator({ timescale: '1ns' });
  const top = design === 'pipe' ? pipeTop(sim, params) : residTop(sim, params);
  return { sim, top };
}

export async function runHdlBench(options: HdlBenchOptions): Promise<HdlBenchResult> {
  const params = { ...HDL_DEFAULTS, ...options.params };
  const { sim, top } = buildHdlBench(options.design, params);
  if (options.trace) sim.trace(options.trace);
  await sim.run({ cycles: RESET_EDGES, clock: top.clk });
  const t0 = performance.now();
  await sim.run({ cycles: options.cycles, clock: top.clk });
  const seconds = (performance.now() - t0) / 1000;
  // Results are read 1 ns after the last edge, as tb.v does.
  await sim.run({ time: 1, unit: 'ns' });
  await sim.close();
  return {
    design: options.design,
    params,
    cycles: options.cycles,
    csum: top.sink.csum.toString(16).padStart(8, '0'),
    rx: top.sink.rx,
    tx: top.source.tx,
    maxOcc: top.fifo.maxCount,
    cyclesPerSecond: seconds > 0 ? Math.round(options.cycles / seconds) : Infinity,
  };
}
