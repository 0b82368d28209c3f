import { describe, expect, it } from 'vitest';
import { ErrorCodes, type SimError } from './errors.ts';
import { Module } from './module.ts';
import { Simulator } from './simulator.ts';
import type { Signal } from './signal.ts';

/** One stage of a shift register whose rising-edge process is a prototype method shared by all stages. */
class ShiftStage extends Module {
  readonly q: Signal;
  ticks = 0;
  constructor(parent: Module, name: string, clk: Signal, readonly d: Signal, readonly failAt = -1) {
    super(parent, name);
    this.q = this.signal('q', 8);
    this.onRising(clk, this.tick);
  }

  private tick(): void {
    if (++this.ticks === this.failAt) throw new Error('stage failed on purpose');
    this.q.set(this.d.value);
  }
}

function shiftRegister(stages: number, options: { failStage?: number; failAt?: number } = {}) {
  const sim = new Simulator({ timescale: '1ns' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 10 });
  const input = top.signal('in', 8);
  let k = 0;
  // A closure process beside the grouped method: drives the input with the edge count.
  top.onRising(clk, () => input.set(++k & 0xff));
  const chain: ShiftStage[] = [];
  let d = input;
  for (let i = 0; i < stages; i++) {
    const st = new ShiftStage(top, `s${i}`, clk, d, i === options.failStage ? (options.failAt ?? 1) : -1);
    chain.push(st);
    d = st.q;
  }
  return { sim, clk, chain };
}

describe('edge processes that share a prototype method', () => {
  it('run once per edge per instance, with the instance as this and writes visible only after the edge', async () => {
    const { sim, clk, chain } = shiftRegister(40);
    await sim.run({ cycles: 50, clock: clk });
    expect(chain.map((s) => s.ticks)).toEqual(chain.map(() => 50));
    // The input held k after edge k; stage i holds what the input held i + 1 edges earlier, however the
    // kernel orders the processes (an immediately visible write would let a value skip stages).
    expect(chain.map((s) => s.q.value)).toEqual(chain.map((_, i) => Math.max(0, 50 - (i + 1))));
  });

  it('an exception names the instance whose process threw', async () => {
    const { sim, clk } = shiftRegister(10, { failStage: 7, failAt: 3 });
    const err = (await sim.run({ cycles: 5, clock: clk }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.PROCESS_FAILED);
    expect(err.paths).toEqual(['top.s7']);
    expect(err.time).toBe(25);
  });

  it('a grouped process writing another instance’s signal is a wrong-driver error naming both', async () => {
    const sim = new Simulator({ timescale: '1ns' });
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 10 });
    class Meddler extends Module {
      readonly q = this.signal('q', 1);
      victim: Meddler | null = null;
      constructor(parent: Module, name: string) {
        super(parent, name);
        this.onRising(clk, this.tick);
      }
      private tick(): void {
        (this.victim ?? this).q.set(1);
      }
    }
    const a = new Meddler(top, 'a');
    const b = new Meddler(top, 'b');
    b.victim = a;
    const err = (await sim.run({ cycles: 1, clock: clk }).catch((e: unknown) => e)) as SimError;
    expect(err.code).toBe(ErrorCodes.WRONG_DRIVER);
    expect(err.paths).toEqual(['top.a.q', 'top.b']);
  });
});
