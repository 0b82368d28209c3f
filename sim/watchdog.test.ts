import { describe, expect, it } from 'vitest';
import { ErrorCodes } from './errors.ts';
import { Module } from './module.ts';
import { Simulator } from './simulator.ts';
import type { Signal } from './signal.ts';
import { DeadlockError, Watchdog } from './watchdog.ts';

/** A producer that sends `total` items into a one-slot mailbox that a consumer empties only every `period` cycles. */
class Producer extends Module {
  sent = 0;
  constructor(parent: Module, name: string, clk: Signal, readonly full: Signal, readonly total: number) {
    super(parent, name);
    this.onRising(clk, () => {
      if (this.sent < this.total && !full.value) {
        this.sent++;
        this.progress();
      }
    });
  }
  override blockedOn(): string | null {
    return this.full.value ? 'mailbox full' : null;
  }
}

function build(stuckAfter: number) {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const full = top.signal('full', 1);
  let cycle = 0;
  top.onRising(clk, () => full.set(++cycle >= stuckAfter ? 1 : 0));
  const p = new Producer(top, 'producer', clk, full, 100);
  const dog = new Watchdog(top, 'watchdog', { clock: clk, idleCycles: 20, workRemains: () => p.sent < p.total });
  return { sim, clk, p, dog };
}

describe('progress watchdog', () => {
  it('stops a stuck design with a deadlock error listing each blocked component', async () => {
    const { sim, clk, dog } = build(30);
    const err = await sim.run({ cycles: 10_000, clock: clk }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlockError);
    const d = err as DeadlockError;
    expect(d.code).toBe(ErrorCodes.DEADLOCK);
    expect(d.blocked).toEqual([{ path: 'top.producer', reason: 'mailbox full' }]);
    expect(d.message).toContain('no progress for 20 cycles');
    // The marker is set in the failing time step, so traces show it.
    expect(dog.deadlock.value).toBe(1);
    // The producer reads full = 0 at edges 1..30 (full is set at edge 30, visible from edge 31), so its last
    // progress is at edge 30 and the watchdog trips 20 edges later, at edge 50 (t = 5 + 10 * 49).
    expect(d.time).toBe(5 + 10 * (50 - 1));
    // The run lingers 64 edges (the default) after the detection before it fails.
    expect(sim.time).toBe(5 + 10 * (50 + 64 - 1));
  });

  it('does not fire when the design finishes its work', async () => {
    const { sim, clk, p } = build(Infinity);
    const why = await sim.run({ cycles: 500, clock: clk });
    expect(why).toBe('cycles');
    expect(p.sent).toBe(100);
  });

  it('rejects a non-positive idle limit', () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 10 });
    expect(() => new Watchdog(top, 'w', { clock: clk, idleCycles: 0, workRemains: () => true })).toThrow(/idleCycles/);
  });
});
