/** Small helpers for stream tests: a clocked top, beat wires, numbered beats, bounded runs. */
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { beatSignal, type Beat } from '../../hw/stream/beat.ts';
import { streamWires, type StreamWires } from '../../hw/stream/stream.ts';

export interface Bench {
  sim: Simulator;
  top: Module;
  clk: Signal<number>;
}

/** A top module with a 10 ns clock (rising at 5, 15, 25, ... ns: edge k at 10k - 5 ns). */
export function bench(name = 'top'): Bench {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, name);
  const clk = sim.clock(top, 'clk', { period: 10 });
  return { sim, top, clk };
}

/** A beat stream of lanes x bits in `parent`, with the lane-range check of beatSignal. */
export function beatWires(parent: Module, name: string, lanes: number, bits: number): StreamWires<Beat | null> {
  return streamWires<Beat | null>(parent, name, { width: lanes * bits, data: beatSignal(lanes, bits) });
}

/**
 * n beats with tags {frame 0, y 0, x i, group 0} and lanes holding small values derived from the index
 * (lane j of beat i = ((i * 7 + j * 3) mod 200) - 100, in the int8 range); the last one has `last`.
 */
export function numberedBeats(n: number, lanes: number, options: { data?: boolean; tags?: boolean; int32?: boolean } = {}): Beat[] {
  const out: Beat[] = [];
  for (let i = 0; i < n; i++) {
    let l: Int8Array | Int32Array | null = null;
    if (options.data ?? true) {
      l = options.int32 ? new Int32Array(lanes) : new Int8Array(lanes);
      for (let j = 0; j < lanes; j++) l[j] = ((i * 7 + j * 3) % 200) - 100;
    }
    out.push({ lanes: l, tag: options.tags ?? true ? { frame: 0, y: 0, x: i, group: 0 } : null, last: i === n - 1 });
  }
  return out;
}

/** Run until `done()` holds after a rising edge, failing if it takes more than `maxCycles` edges. */
export async function runUntil(b: Bench, done: () => boolean, maxCycles = 100_000): Promise<number> {
  const start = b.sim.clockOf(b.clk).cycles;
  const why = await b.sim.run({ clock: b.clk, cycles: maxCycles, until: done });
  const used = b.sim.clockOf(b.clk).cycles - start;
  if (why !== 'until') throw new Error(`runUntil: condition not reached after ${used} cycles (stopped: ${why})`);
  return used;
}
