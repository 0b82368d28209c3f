import type { Signal, SignalWaiter } from './signal.ts';
import type { Simulator } from './simulator.ts';
import type { TimeUnit } from './time.ts';
import { Port } from './port.ts';

/**
 * Triggers for async testbench processes (cocotb style). A coroutine started with `Module.fork()` or
 * `Simulator.fork()` may await only these: each resumes it in an evaluate phase of the kernel, where it
 * reads the values signals had before that delta and its writes land in the following update phase,
 * exactly like a clocked process. See docs/timing-model.md.
 */

type Watchable = Signal<any> | Port<any>;

function sigOf(w: Watchable): Signal<any> {
  return w instanceof Port ? w.sig : w;
}

function waitFor(w: Watchable, matches: (oldValue: unknown, newValue: unknown) => boolean): Promise<void> {
  const sig = sigOf(w);
  return new Promise<void>((resume) => {
    const waiter: SignalWaiter = { matches, resume };
    const r = sig.observe();
    (r.waiters ??= []).push(waiter);
  });
}

/** Resume after the next 0 -> 1 change of a 1-bit signal, in the same delta as its clocked processes. */
export function rising(clk: Watchable): Promise<void> {
  return waitFor(clk, (o, n) => o === 0 && n === 1);
}

/** Resume after the next 1 -> 0 change. */
export function falling(clk: Watchable): Promise<void> {
  return waitFor(clk, (o, n) => o === 1 && n === 0);
}

/** Resume after the next change of any value. */
export function changed(sig: Watchable): Promise<void> {
  return waitFor(sig, () => true);
}

/** Resume when `sig` holds `value`: at once (next delta) if it already does, else after it changes to it. */
export function until<T>(sig: Signal<T> | Port<T>, value: T): Promise<void> {
  const s = sigOf(sig);
  if (s.value === value) return nextDelta(s.host as Simulator);
  return waitFor(s, (_o, n) => n === value);
}

/** Resume after `amount` time units (default: the timescale's step). */
export function timer(sim: Simulator, amount: number, unit?: TimeUnit): Promise<void> {
  const steps = sim.stepsOf(amount, unit, 'timer');
  return new Promise<void>((resume) => sim.resumeAfter(steps, resume));
}

/** Resume in the next delta cycle of the current time step. */
export function nextDelta(sim: Simulator): Promise<void> {
  return new Promise<void>((resume) => sim.resumeNextDelta(resume));
}

/**
 * Resume when the current time step has settled (cocotb's ReadOnly): every signal holds its final value
 * for this time. Writing there starts new delta cycles at the same time.
 */
export function settled(sim: Simulator): Promise<void> {
  return new Promise<void>((resume) => sim.resumeWhenSettled(resume));
}

/** Resume after the rising edge of `clk` at which `cond()` first holds (checked after each edge). */
export async function risingWhen(clk: Watchable, cond: () => boolean): Promise<void> {
  do await rising(clk);
  while (!cond());
}
