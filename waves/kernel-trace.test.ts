import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module } from '../sim/module.ts';
import { Simulator } from '../sim/simulator.ts';
import { Watchdog } from '../sim/watchdog.ts';
import { historyOf, parseVcd } from './vcd-reader.ts';
import { WaveFiles } from './wave-files.ts';

/** The kernel and the VCD writer together: what the simulation did is what the file says. */

function tmp(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-trace-')), name);
}

function counterDesign() {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const core = new Module(top, 'core');
  const count = core.signal('count', 4);
  const isThree = core.signal('is_three', 1);
  const glitch = core.signal('glitch', 1);
  core.onRising(clk, () => count.set((count.value + 1) & 15));
  core.comb([count], () => isThree.set(count.value === 3 ? 1 : 0));
  // A pulse that rises and falls in two delta cycles of one time step: the file shows the settled value only.
  core.comb([count], () => glitch.set(1));
  core.comb([glitch], () => glitch.set(0));
  return { sim, top, clk, count };
}

describe('kernel tracing into VCD', () => {
  it('records the settled value of every time step, under the module hierarchy', async () => {
    const { sim, clk } = counterDesign();
    const vcd = tmp('counter.vcd');
    sim.trace(new WaveFiles({ vcd, writer: { date: 'fixed' } }));
    await sim.run({ cycles: 20, clock: clk });
    await sim.close();
    const parsed = parseVcd(fs.readFileSync(vcd, 'utf8'));
    const count = historyOf(parsed, 'top.core.count');
    // Changes at every rising edge t = 5 + 10k: value k+1 (mod 16), after the initial 0.
    const expected: [number, string][] = [[0, '0000']];
    for (let k = 0; k < 20; k++) expected.push([5 + 10 * k, ((k + 1) & 15).toString(2).padStart(4, '0')]);
    expect(count).toEqual(expected);
    expect(historyOf(parsed, 'top.core.is_three')).toEqual([[0, '0'], [25, '1'], [35, '0'], [185, '1'], [195, '0']]);
    expect(historyOf(parsed, 'top.core.glitch')).toEqual([[0, '0']]);
    expect(fs.existsSync(vcd.replace('.vcd', '.gtkw'))).toBe(true);
  });

  it('leaves a complete file with the error, and a view marked at the failure, when the run fails', async () => {
    const { sim, top, clk } = counterDesign();
    new Watchdog(top, 'watchdog', { clock: clk, idleCycles: 5, workRemains: () => true });
    const vcd = tmp('stuck.vcd');
    sim.trace(new WaveFiles({ vcd }));
    await expect(sim.run({ cycles: 100, clock: clk })).rejects.toThrow(/deadlock/);
    const parsed = parseVcd(fs.readFileSync(vcd, 'utf8'));
    expect(parsed.comments.some((c) => /simulation ended with error/.test(c.text))).toBe(true);
    const detected = historyOf(parsed, 'top.watchdog.deadlock').at(-1)!;
    expect(detected[1]).toBe('1');
    expect(detected[0]).toBeLessThan(sim.time);
    expect(parsed.endTime).toBe(sim.time);
    // The view's primary marker is on the detection, and the dump goes on beyond it.
    expect(fs.readFileSync(vcd.replace('.vcd', '.gtkw'), 'utf8')).toMatch(new RegExp(`^\\*\\S+ ${detected[0]} `, 'm'));
  });
});
