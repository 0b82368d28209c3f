import { describe, expect, it } from 'vitest';
import { ErrorCodes, SimError } from './errors.ts';
import { Module } from './module.ts';
import { Simulator } from './simulator.ts';
import { changed, falling, nextDelta, rising, settled, timer, until } from './triggers.ts';

function design() {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const dut = new Module(top, 'dut');
  const q = dut.signal('q', 8);
  const d = top.signal('d', 8);
  // A flip-flop: q <= d.
  dut.onRising(clk, () => q.set(d.value));
  return { sim, top, clk, dut, q, d };
}

describe('async testbench processes', () => {
  it('after rising(clk) a coroutine sees the values from before the edge, like a flip-flop', async () => {
    const { sim, top, clk, q, d } = design();
    const seen: number[] = [];
    top.fork(async () => {
      for (let i = 1; i <= 3; i++) {
        d.set(i * 10);
        await rising(clk);
        seen.push(q.value);
      }
    });
    await sim.run({ cycles: 4, clock: clk });
    // d=10 is written at time 0; the flop takes it at the edge at 5; the coroutine resumes in the same
    // delta as the flop and still reads q's pre-edge value.
    expect(seen).toEqual([0, 10, 20]);
    expect(q.value).toBe(30);
  });

  it('settled() resumes once the time step has settled and sees the post-edge values', async () => {
    const { sim, top, clk, q, d } = design();
    const seen: number[] = [];
    top.fork(async () => {
      d.set(7);
      await rising(clk);
      await settled(sim);
      seen.push(q.value);
    });
    await sim.run({ cycles: 1, clock: clk });
    expect(seen).toEqual([7]);
  });

  it('timer() resumes after the given time; falling() on the falling edge', async () => {
    const { sim, top, clk } = design();
    const times: number[] = [];
    top.fork(async () => {
      await timer(sim, 23, 'ns');
      times.push(sim.time);
      await falling(clk);
      times.push(sim.time);
      await timer(sim, 2);
      times.push(sim.time);
    });
    await sim.run({ time: 50 });
    expect(times).toEqual([23, 30, 32]);
  });

  it('until() waits for a value and nextDelta() for the next delta cycle', async () => {
    const { sim, top, clk, q, d } = design();
    const log: string[] = [];
    top.fork(async () => {
      d.set(5);
      await until(q, 5);
      log.push(`q=5 at ${sim.time}`);
      const delta = sim.delta;
      await nextDelta(sim);
      log.push(`next delta ${sim.delta - delta}`);
      await changed(clk);
      log.push(`clk changed at ${sim.time}`);
    });
    await sim.run({ time: 20 });
    expect(log).toEqual(['q=5 at 5', 'next delta 1', 'clk changed at 10']);
  });

  it('a failing coroutine stops the run with an error naming its module', async () => {
    const { sim, top, clk } = design();
    top.fork(async () => {
      await rising(clk);
      throw new Error('scoreboard mismatch');
    });
    const err = (await sim.run({ cycles: 5, clock: clk }).catch((e: unknown) => e)) as SimError;
    expect(err).toBeInstanceOf(SimError);
    expect(err.code).toBe(ErrorCodes.PROCESS_FAILED);
    expect(err.message).toContain('process of top threw: scoreboard mismatch');
    expect(err.time).toBe(5);
  });

  it('two coroutines hand data over through signals deterministically', async () => {
    const { sim, top, clk } = design();
    const a = top.signal('a', 8);
    const got: number[] = [];
    top.fork(async () => {
      for (let i = 1; i <= 4; i++) {
        a.set(i);
        await rising(clk);
      }
    });
    top.fork(async () => {
      for (let i = 0; i < 4; i++) {
        await rising(clk);
        got.push(a.value);
      }
    });
    await sim.run({ cycles: 4, clock: clk });
    expect(got).toEqual([1, 2, 3, 4]);
  });
});
