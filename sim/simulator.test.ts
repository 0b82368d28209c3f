import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from './errors.ts';
import { Module } from './module.ts';
import { Simulator } from './simulator.ts';
import type { Signal } from './signal.ts';

/** A register that counts rising edges: the smallest clocked process. */
class Counter extends Module {
  readonly count: Signal;
  constructor(parent: Module, name: string, clk: Signal, width = 8) {
    super(parent, name);
    this.count = this.signal('count', width);
    const max = 2 ** width - 1;
    this.onRising(clk, () => this.count.set(this.count.value === max ? 0 : this.count.value + 1));
  }
}

function top(sim = new Simulator({ timescale: '1ns' })) {
  const t = new Module(sim, 'top');
  const clk = sim.clock(t, 'clk', { period: 10 });
  return { sim, t, clk };
}

describe('clocks and time', () => {
  it('rises at phase + k*period and falls after the high time', async () => {
    const { sim, t, clk } = top();
    const edges: [number, number][] = [];
    t.comb([clk], () => edges.push([sim.time, clk.value]));
    await sim.run({ time: 30 });
    // comb runs once at time 0, then on every change: rising at 5, 15, 25; falling at 10, 20, 30.
    expect(edges).toEqual([[0, 0], [5, 1], [10, 0], [15, 1], [20, 0], [25, 1], [30, 0]]);
    expect(sim.time).toBe(30);
  });

  it('runs several clocks with independent periods and phases', async () => {
    const { sim, t, clk } = top();
    const fast = sim.clock(t, 'fast', { period: 4, phase: 1 });
    const a = new Counter(t, 'a', clk);
    const b = new Counter(t, 'b', fast);
    await sim.run({ time: 40 });
    // clk rises at 5, 15, 25, 35: 4 edges. fast rises at 1, 5, 9, ..., 37: 10 edges.
    expect(a.count.value).toBe(4);
    expect(b.count.value).toBe(10);
  });

  it('counts cycles of a chosen clock', async () => {
    const { sim, t, clk } = top();
    const c = new Counter(t, 'c', clk);
    await sim.run({ cycles: 7, clock: clk });
    expect(c.count.value).toBe(7);
    expect(sim.time).toBe(65);
    await sim.run({ cycles: 3, clock: clk });
    expect(c.count.value).toBe(10);
  });

  it('stops on a condition checked after each rising edge', async () => {
    const { sim, t, clk } = top();
    const c = new Counter(t, 'c', clk);
    const why = await sim.run({ until: () => c.count.value === 5, clock: clk });
    expect(why).toBe('until');
    expect(c.count.value).toBe(5);
  });

  it('rejects an unbounded run of a clocked design instead of hanging', async () => {
    const { sim } = top();
    await expect(sim.run()).rejects.toThrow(/needs a bound/);
  });

  it('rejects a time the timescale cannot represent', () => {
    const sim = new Simulator({ timescale: '1ns' });
    const t = new Module(sim, 'top');
    expect(() => sim.clock(t, 'clk', { period: 2.5 })).toThrow(/not a whole/);
    expect(() => new Simulator({ timescale: '3ns' })).toThrow(/1, 10 or 100/);
  });
});

describe('non-blocking semantics', () => {
  it('a clocked process reads values from before the edge (a shift register swaps cleanly)', async () => {
    const { sim, t, clk } = top();
    const a = t.signal('a', 4, { init: 1 });
    const b = t.signal('b', 4, { init: 2 });
    t.onRising(clk, () => {
      a.set(b.value);
      b.set(a.value);
    });
    await sim.run({ cycles: 1, clock: clk });
    expect([a.value, b.value]).toEqual([2, 1]);
    await sim.run({ cycles: 1, clock: clk });
    expect([a.value, b.value]).toEqual([1, 2]);
  });

  it('combinational logic settles in delta cycles within the same time step', async () => {
    const { sim, t, clk } = top();
    const c = new Counter(t, 'c', clk);
    const x2 = t.signal('x2', 9);
    const x4 = t.signal('x4', 10);
    t.comb([c.count], () => x2.set(c.count.value * 2));
    t.comb([x2], () => x4.set(x2.value * 2));
    const seen: string[] = [];
    t.comb([x4], () => seen.push(`${sim.time}:${sim.delta}:${x4.value}`));
    await sim.run({ cycles: 2, clock: clk });
    // The clock changes in delta 0's update; the counter runs in delta 1, x2's process in delta 2, x4's in
    // delta 3, and the observer of x4 in delta 4 - all at the time of the edge.
    expect(seen).toEqual(['0:0:0', '5:4:4', '15:4:8']);
  });
});

describe('elaboration errors name the paths', () => {
  class Child extends Module {
    readonly i = this.input('i', 4);
    readonly o = this.output('o', 4);
  }

  it('reports every unbound port', async () => {
    const { sim, t } = top();
    new Child(t, 'u0');
    const err = await sim.run({ time: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).code).toBe(ErrorCodes.UNBOUND_PORT);
    expect((err as SimError).paths).toEqual(['top.u0.i', 'top.u0.o']);
  });

  it('reports a width mismatch with both paths', () => {
    const { t } = top();
    const c = new Child(t, 'u0');
    const s = t.signal('s', 5);
    expect(() => c.i.bind(s)).toThrow(/top\.u0\.i is 4 bit\(s\) wide but signal top\.s is 5/);
  });

  it('reports a second driver with both drivers', () => {
    const { t } = top();
    const a = new Child(t, 'a');
    const b = new Child(t, 'b');
    const s = t.signal('s', 4);
    a.o.bind(s);
    try {
      b.o.bind(s);
      expect.unreachable();
    } catch (e) {
      expect((e as SimError).code).toBe(ErrorCodes.MULTIPLE_DRIVERS);
      expect((e as SimError).message).toContain('top.a.o');
      expect((e as SimError).message).toContain('top.b.o');
    }
  });

  it('rejects a duplicate or malformed name', () => {
    const { t } = top();
    t.signal('x', 1);
    expect(() => t.signal('x', 1)).toThrow(/already used/);
    expect(() => t.signal('a.b', 1)).toThrow(/letters, digits/);
  });

  it('freezes the structure after elaboration', async () => {
    const { sim, t } = top();
    await sim.run({ time: 1 });
    expect(() => t.signal('late', 1)).toThrow(/frozen/);
  });
});

describe('run-time errors', () => {
  it('a value that does not fit is an error naming the signal, time and delta', async () => {
    const { sim, t, clk } = top();
    const s = t.signal('s', 3);
    t.onRising(clk, () => s.set(8));
    const err = (await sim.run({ time: 10 }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.VALUE_RANGE);
    expect(err.message).toContain('top.s (3 bits): value 8 is not an unsigned integer in 0..7');
    expect(err.time).toBe(5);
    expect(err.delta).toBe(1);
  });

  it('writing a signal driven by another module is an error', async () => {
    const { sim, t, clk } = top();
    const a = new Counter(t, 'a', clk);
    const intruder = new Module(t, 'intruder');
    intruder.onRising(clk, () => a.count.set(3));
    const err = (await sim.run({ time: 10 }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.WRONG_DRIVER);
    expect(err.paths).toEqual(['top.a.count', 'top.intruder']);
  });

  it('a combinational loop is reported with the signals that kept changing', async () => {
    const sim = new Simulator({ maxDeltas: 50 });
    const t = new Module(sim, 'top');
    const a = t.signal('a', 1);
    const b = t.signal('b', 1);
    const other = t.signal('quiet', 1);
    t.comb([b], () => a.set(b.value ^ 1));
    t.comb([a], () => b.set(a.value));
    void other;
    const err = (await sim.run().catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.COMBINATIONAL_LOOP);
    expect(err.message).toContain('top.a');
    expect(err.message).toContain('top.b');
    expect(err.message).not.toContain('top.quiet');
  });

  it('an exception in a process names the process owner', async () => {
    const { sim, t, clk } = top();
    const m = new Module(t, 'bad');
    m.onRising(clk, () => {
      throw new Error('boom');
    });
    const err = (await sim.run({ time: 10 }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.PROCESS_FAILED);
    expect(err.message).toContain('process of top.bad threw: boom');
  });
});
