/** One-call simulation of a layer on a fresh MacArray (its own simulator and 1 GHz clock). */
import { performance } from 'node:perf_hooks';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceSink } from '../../sim/trace.ts';
import type { ArrayConfig, MacLayer, MacOperands } from './layer.ts';
import { MacArray, type MacArrayMode, type MacArrayResult } from './mac-array.ts';

export interface SimulateOptions extends ArrayConfig {
  mode?: MacArrayMode;
  /** Optional waveform sink (e.g. a VcdWriter); the array is `top.mac`. */
  trace?: TraceSink;
}

export async function simulateLayer(
  options: SimulateOptions,
  layer: MacLayer,
  operands?: MacOperands,
): Promise<MacArrayResult & { seconds: number }> {
  const sim = new Simulator({ timescale: '1ps' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
  const { rows, cols, dataflow, mode } = options;
  const mac = new MacArray(top, 'mac', { clk, rows, cols, dataflow, mode });
  if (options.trace) sim.trace(options.trace);
  const t0 = performance.now();
  const r = await mac.runLayer(layer, operands);
  const seconds = (performance.now() - t0) / 1000;
  await sim.close();
  return { ...r, seconds };
}
