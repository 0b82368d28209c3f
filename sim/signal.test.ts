import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from './errors.ts';
import { Module } from './module.ts';
import { BitsSignal, Signal, type SignalHost } from './signal.ts';
import { Simulator } from './simulator.ts';
import { rising } from './triggers.ts';

/** What a `bits` signal of `width` accepts, stated independently of Signal's mask-based fast path. */
function fits(v: unknown, width: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** width - 1;
}

const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 31), -0),
  fc.double({ noNaN: false }),
  fc.constantFrom<unknown>('1', true, null, undefined, 1n, NaN, Infinity),
);

/** Write `v` to a fresh `width`-bit signal, from its driver's process or from the testbench. */
async function writeOnce(width: number, v: unknown, fromProcess: boolean): Promise<unknown> {
  const sim = new Simulator({ timescale: '1ns' });
  const t = new Module(sim, 'top');
  const clk = sim.clock(t, 'clk', { period: 10 });
  const s = t.signal('s', width);
  try {
    // A testbench write is checked at once; a process's write when the process runs.
    if (fromProcess) t.onRising(clk, () => s.set(v as number));
    else s.set(v as number);
    await sim.run({ time: 6 });
    return s.value;
  } catch (e) {
    return e;
  }
}

describe('Signal.set value checks', () => {
  it('accepts exactly the unsigned integers that fit, from a process or the testbench', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 32 }), anyValue, fc.boolean(), async (width, v, fromProcess) => {
        const result = await writeOnce(width, v, fromProcess);
        if (fits(v, width)) {
          expect(result).toBe((v as number) + 0); // -0 reads back as 0
        } else {
          expect(result).toBeInstanceOf(SimError);
          expect((result as SimError).code).toBe(ErrorCodes.VALUE_RANGE);
          expect((result as SimError).paths).toEqual(['top.s']);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('checks the writer on the fast path too (a narrow value that fits, written by another module)', async () => {
    const sim = new Simulator({ timescale: '1ns' });
    const t = new Module(sim, 'top');
    const clk = sim.clock(t, 'clk', { period: 10 });
    const owner = new Module(t, 'owner');
    const s = owner.signal('s', 4);
    owner.onRising(clk, () => s.set(1));
    const intruder = new Module(t, 'intruder');
    intruder.onRising(clk, () => s.set(2));
    const err = (await sim.run({ time: 10 }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.WRONG_DRIVER);
    expect(err.paths).toEqual(['top.owner.s', 'top.intruder']);
  });
});

describe('Signal layout and the update list', () => {
  it('gives bits signals a class of their own and every other kind the base class', () => {
    const sim = new Simulator({ timescale: '1ns' });
    const t = new Module(sim, 'top');
    expect(t.signal('a', 8)).toBeInstanceOf(BitsSignal);
    expect(t.signal('b', 32)).toBeInstanceOf(BitsSignal);
    for (const s of [t.signal('w', 64), t.signal('r', 64, { kind: 'real' }), t.signal('d', 8, { kind: 'data' })]) {
      expect(s).toBeInstanceOf(Signal);
      expect(s).not.toBeInstanceOf(BitsSignal);
    }
  });

  it('carries reactions only for signals something observes', async () => {
    const sim = new Simulator({ timescale: '1ns' });
    const t = new Module(sim, 'top');
    const clk = sim.clock(t, 'clk', { period: 10 });
    const quiet = t.signal('quiet', 4);
    const combIn = t.signal('comb_in', 4);
    const waited = t.signal('waited', 1);
    t.comb([combIn], () => {});
    void t.fork(async () => {
      await rising(waited);
    });
    t.onRising(clk, () => quiet.set((quiet.value + 1) & 15));
    await sim.run({ time: 30 });
    expect(quiet.observed).toBe(false);
    expect(quiet.reactions).toBeNull();
    expect(quiet.value).toBe(3);
    expect(combIn.observed).toBe(true);
    expect(waited.observed).toBe(true);
    expect(clk.reactions?.riseRunner).not.toBeNull();
  });

  it('appends a written signal to its host update list once per delta, whatever the number of writes', () => {
    const host: SignalHost = { updates: [], nUpdates: 0, activeOwner: null, time: 0, delta: 0 };
    const owner = { path: 'top' };
    const a = new BitsSignal(host, owner, 'a', 8);
    const b = new BitsSignal(host, owner, 'b', 8);
    a.set(1);
    a.set(2);
    b.set(0); // the current value, nothing pending: not queued
    b.set(7);
    a.set(3);
    expect(host.nUpdates).toBe(2);
    expect(host.updates.slice(0, 2)).toEqual([a, b]);
    expect([a.next, b.next]).toEqual([3, 7]);
    expect([a.value, b.value]).toEqual([0, 0]);
  });
});
