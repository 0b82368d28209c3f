import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { StreamDriver } from '../../testbench/drivers/stream-driver.ts';
import { StreamMonitor } from '../../testbench/drivers/stream-monitor.ts';
import { beatWires, bench, numberedBeats, runUntil, type Bench } from '../../testbench/drivers/testing.ts';
import { makeBeat, type Beat } from './beat.ts';
import { ProtocolChecker, type ProtocolCheckerOptions } from './protocol-checker.ts';
import { streamWires, type StreamWires } from './stream.ts';

/** A deliberately broken producer: drives valid/data from a per-cycle script, ignoring ready. */
class Scripted<T> extends Module {
  constructor(parent: Module, name: string, clk: Signal<number>, w: StreamWires<T>, script: readonly [number, T][]) {
    super(parent, name);
    const v = this.output('valid', 1).bind(w.valid).sig;
    const d = this.output<T>('data', w.data.width).bind(w.data).sig;
    const apply = (k: number) => {
      const [vv, dd] = script[Math.min(k, script.length - 1)]!;
      v.set(vv);
      d.set(dd);
    };
    let k = 0;
    this.comb([], () => apply(0));
    this.onRising(clk, () => apply(++k));
  }
}

/** A consumer whose ready follows a per-cycle script (cycle 1 first). */
class ReadyScript extends Module {
  constructor(parent: Module, name: string, clk: Signal<number>, w: StreamWires<any>, ready: (cycle: number) => number) {
    super(parent, name);
    const r = this.output('ready', 1).bind(w.ready).sig;
    let k = 0;
    this.comb([], () => r.set(ready(1)));
    this.onRising(clk, () => r.set(ready(++k + 1)));
  }
}

function beatRig(script: readonly [number, Beat | null][], ready: (c: number) => number, opts: Partial<ProtocolCheckerOptions> = {}, validated = true) {
  const b = bench();
  const w = validated
    ? beatWires(b.top, 'x', 4, 8)
    : streamWires<Beat | null>(b.top, 'x', { width: 32, data: { kind: 'data', init: null } });
  new Scripted(b.top, 'prod', b.clk, w, script);
  new ReadyScript(b.top, 'cons', b.clk, w, ready);
  const chk = new ProtocolChecker(b.top, 'chk', w, { clk: b.clk, lanes: 4, bits: 8, ...opts });
  return { b, chk };
}

async function failure(b: Bench, cycles = 10): Promise<SimError> {
  try {
    await b.sim.run({ cycles, clock: b.clk });
  } catch (e) {
    return e as SimError;
  }
  throw new Error('expected the protocol checker to fail the run');
}

const A = makeBeat(Int8Array.of(1, 2, 3, 4), { frame: 0, y: 0, x: 0, group: 0 });
const B = makeBeat(Int8Array.of(5, 6, 7, 8), { frame: 0, y: 0, x: 1, group: 0 });

describe('ProtocolChecker', () => {
  it('valid dropped before the transfer', async () => {
    // Cycle 1 offers A while ready is 0; cycle 2 drops valid.
    const { b, chk } = beatRig([[1, A], [0, null]], (c) => (c >= 3 ? 1 : 0));
    const e = await failure(b);
    expect(e.code).toBe(ErrorCodes.CHECK_FAILED);
    expect(e.message).toContain("stream top.x: rule 'valid-dropped' violated at cycle 2");
    expect(e.message).toContain('before: valid 1, data {frame 0 y 0 x 0 group 0, lanes [1, 2, 3, 4]}');
    expect(e.message).toContain('now: valid 0, data null');
    expect(chk.violations.map((v) => v.rule)).toEqual(['valid-dropped']);
    expect(e.time).toBe(15); // edge 2
  });

  it('data changed while valid && !ready (Beats compared by reference)', async () => {
    const same = makeBeat(Int8Array.of(1, 2, 3, 4), A.tag); // equal values, another object: still a change
    const { b } = beatRig([[1, A], [1, same], [1, B]], () => 0);
    const e = await failure(b);
    expect(e.message).toContain("rule 'data-changed' violated at cycle 2");
    expect(e.message).toMatch(/before: \{frame 0 y 0 x 0 group 0, lanes \[1, 2, 3, 4\]\}; now: \{frame 0 y 0 x 0 group 0/);
  });

  it('numbers are compared by value', async () => {
    const b = bench();
    const w = streamWires(b.top, 'n', { width: 16 });
    // 7 then 7 again (fine), then 9 while still not ready.
    new Scripted(b.top, 'prod', b.clk, w, [[1, 7], [1, 7], [1, 9]]);
    new ReadyScript(b.top, 'cons', b.clk, w, () => 0);
    new ProtocolChecker<number>(b.top, 'chk', w, { clk: b.clk });
    const e = await failure(b);
    expect(e.message).toContain("stream top.n: rule 'data-changed' violated at cycle 3: data changed while valid && !ready (the beat was not taken); before: 7; now: 9");
  });

  it('a valid beat without data in data mode; accepted in timing mode', async () => {
    const r1 = beatRig([[1, null]], () => 1);
    const e = await failure(r1.b);
    expect(e.message).toContain("rule 'null-data' violated at cycle 1: valid is 1 but data is null");
    const timingBeat = makeBeat(null, null);
    const r2 = beatRig([[1, timingBeat]], () => 1);
    expect((await failure(r2.b)).message).toContain("rule 'null-data' violated at cycle 1: valid beat {(untagged), lanes null (timing mode)} has lanes null");
    const r3 = beatRig([[1, null], [1, timingBeat]], () => 1, { mode: 'timing' });
    await r3.b.sim.run({ cycles: 4, clock: r3.b.clk });
    expect(r3.chk.violations).toEqual([]);
    expect(r3.chk.beats).toBe(4);
  });

  it('lanes out of range or of the wrong count', async () => {
    const wide = makeBeat(Int32Array.of(1, 200, 3, 4));
    const r1 = beatRig([[1, wide]], () => 1, {}, false);
    expect((await failure(r1.b)).message).toContain("rule 'lanes-range' violated at cycle 1: lane 1 of beat {(untagged), lanes [1, 200, 3, 4]} holds 200; expected -128..127");
    const three = makeBeat(Int8Array.of(1, 2, 3));
    const r2 = beatRig([[1, three]], () => 1, {}, false);
    expect((await failure(r2.b)).message).toContain("rule 'lanes-count' violated at cycle 1: beat {(untagged), lanes [1, 2, 3]} has 3 lanes; expected 4");
  });

  it('counts beats, stall cycles and idle cycles', async () => {
    // idle, A stalls 2 cycles then goes, idle, B goes at once, idle...
    const { b, chk } = beatRig([[0, null], [1, A], [1, A], [1, A], [0, null], [1, B], [0, null]], (c) => (c === 4 || c === 6 ? 1 : 0));
    await b.sim.run({ cycles: 8, clock: b.clk });
    expect(chk.violations).toEqual([]);
    expect(chk.beats).toBe(2);
    expect(chk.stallCycles).toBe(2);
    expect(chk.idleCycles).toBe(4);
    expect(chk.cycles).toBe(8);
  });

  it('allowValidDrop accepts a falling valid (lock-step fork branches) but still checks data', async () => {
    const r1 = beatRig([[1, A], [0, null], [1, A]], (c) => (c === 3 ? 1 : 0), { allowValidDrop: true });
    await r1.b.sim.run({ cycles: 5, clock: r1.b.clk });
    expect(r1.chk.violations).toEqual([]);
    const r2 = beatRig([[1, A], [1, B]], () => 0, { allowValidDrop: true });
    expect((await failure(r2.b)).message).toContain("rule 'data-changed'");
  });

  it('a well-behaved driver passes under random backpressure', async () => {
    const b = bench();
    const beats = numberedBeats(50, 4);
    const w = beatWires(b.top, 'x', 4, 8);
    new StreamDriver(b.top, 'drv', { clk: b.clk, beats, lanes: 4, bits: 8, pValid: 0.7, seed: 11 }).m.bind(w);
    const mon = new StreamMonitor(b.top, 'mon', { clk: b.clk, lanes: 4, bits: 8, pReady: 0.4, seed: 12 });
    mon.s.bind(w);
    const chk = new ProtocolChecker(b.top, 'chk', w, { clk: b.clk, lanes: 4, bits: 8 });
    const cycles = await runUntil(b, () => mon.count === 50);
    expect(chk.violations).toEqual([]);
    expect(chk.beats).toBe(50);
    expect(chk.beats + chk.stallCycles + chk.idleCycles).toBe(cycles);
    expect(chk.stallCycles).toBeGreaterThan(0);
  });

  it('reports only the first violation as the run failure, records the rest', async () => {
    const { b, chk } = beatRig([[1, A], [1, B], [0, null]], () => 0);
    const e = await failure(b);
    expect(e).toBeInstanceOf(SimError);
    expect(e.message).toContain("'data-changed' violated at cycle 2");
    expect(chk.violations.length).toBe(1); // run() stopped at the end of that time step
  });
});
