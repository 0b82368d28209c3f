import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { rising } from '../../sim/triggers.ts';
import { SramBank, SramBanks, type SramAccess, type SramOptions } from './sram.ts';

function rig(options: Partial<SramOptions> = {}) {
  const sim = new Simulator({ timescale: '1ps' });
  const top = new Module(sim, 'top');
  const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
  const sram = new SramBanks(top, 'sram', clk, { capacityBytes: 4096, wordBytes: 8, ...options });
  const cycles = () => sim.clockOf(clk).cycles;
  /** The first edge at which `a` is done. */
  const doneEdge = async (a: SramAccess) => {
    while (!sram.isDone(a)) await rising(clk);
    return cycles();
  };
  return { sim, top, clk, sram, cycles, doneEdge };
}

const word = (...b: number[]) => Uint8Array.from(b);

describe('SramBanks: latency', () => {
  for (const L of [1, 2, 3]) {
    it(`readLatency ${L}: a read issued after edge k is usable at edge k + 1 + ${L}; a write at k + 2`, async () => {
      const { sim, top, clk, sram, cycles, doneEdge } = rig({ readLatency: L });
      const seen: Record<string, number> = {};
      let data: Uint8Array | null = null;
      top.fork(async () => {
        await rising(clk);
        const k = cycles();
        const w = sram.write(16, word(1, 2, 3, 4, 5, 6, 7, 8));
        seen.write = (await doneEdge(w)) - k;
        const k2 = cycles();
        const r = sram.read(16);
        seen.read = (await doneEdge(r)) - k2;
        seen.accepted = r.acceptedCycle - k2;
        data = r.data;
      });
      await sim.run({ cycles: 20, clock: clk });
      expect(seen).toEqual({ write: 2, read: 1 + L, accepted: 1 });
      expect([...data!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  }

  it('1R1W: a read and a write of one word accepted at the same edge read the old value', async () => {
    const { sim, top, clk, sram, doneEdge } = rig({ ports: '1R1W' });
    sram.poke(0, word(9, 9, 9, 9, 9, 9, 9, 9));
    let old: Uint8Array | null = null;
    top.fork(async () => {
      await rising(clk);
      sram.write(0, word(1, 1, 1, 1, 1, 1, 1, 1));
      const r = sram.read(0);
      await doneEdge(r);
      old = r.data;
    });
    await sim.run({ cycles: 10, clock: clk });
    expect([...old!]).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    expect([...sram.peek(0, 8)]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(sram.counters.conflicts).toBe(0);
  });
});

describe('SramBanks: bank conflicts', () => {
  it('1RW: two accesses to one bank in a cycle: one waits an edge, one conflict; other banks do not wait', async () => {
    const { sim, top, clk, sram, cycles, doneEdge } = rig({ banks: 2, ports: '1RW' });
    // readyCycle is read once all are done: a process (or coroutine) resumed at an edge may run after
    // the SRAM's process, so fields set at that edge are only meant to be read through isDone().
    const got: number[] = [];
    top.fork(async () => {
      await rising(clk);
      const k = cycles();
      const a = sram.read(0); // bank 0
      const b = sram.read(16); // bank 0 (word 2)
      const c = sram.read(8); // bank 1
      await doneEdge(b);
      for (const x of [a, b, c]) got.push(x.readyCycle - k);
    });
    await sim.run({ cycles: 10, clock: clk });
    expect(got).toEqual([2, 3, 2]);
    expect(sram.counters).toMatchObject({ reads: 3, conflicts: 1, delayedAccesses: 1 });
  });

  it('1RW: a read and a write to one bank conflict; 1R1W: they do not', async () => {
    for (const ports of ['1RW', '1R1W'] as const) {
      const { sim, top, clk, sram } = rig({ banks: 4, ports });
      top.fork(async () => {
        await rising(clk);
        sram.read(0);
        sram.write(32); // word 4: bank 0
      });
      await sim.run({ cycles: 5, clock: clk });
      expect(sram.counters.conflicts).toBe(ports === '1RW' ? 1 : 0);
    }
  });

  it('same-edge accesses are served by priority, whatever the call order', async () => {
    const { sim, top, clk, sram } = rig({ banks: 1 });
    const order: string[] = [];
    top.fork(async () => {
      await rising(clk);
      const low = sram.read(0, 1);
      const high = sram.read(8, 0);
      await rising(clk);
      await rising(clk);
      order.push(high.acceptedCycle < low.acceptedCycle ? 'high first' : 'low first');
    });
    await sim.run({ cycles: 5, clock: clk });
    expect(order).toEqual(['high first']);
  });

  it('the outcome does not depend on the order in which client processes run', async () => {
    const run = async (aFirst: boolean) => {
      const { sim, top, clk, sram } = rig({ banks: 1 });
      const acc: Record<string, SramAccess[]> = { a: [], b: [] };
      const client = (name: 'a' | 'b', prio: number) =>
        new (class extends Module {
          constructor() {
            super(top, name);
            this.onRising(clk, () => {
              if (acc[name]!.length < 5) acc[name]!.push(sram.read(acc[name]!.length * 8, prio));
            });
          }
        })();
      if (aFirst) {
        client('a', 0);
        client('b', 1);
      } else {
        client('b', 1);
        client('a', 0);
      }
      await sim.run({ cycles: 20, clock: clk });
      return [...acc.a!, ...acc.b!].map((x) => x.acceptedCycle);
    };
    expect(await run(true)).toEqual(await run(false));
  });
});

describe('SramBanks: throughput', () => {
  it('interleaved 4 banks 1R1W: 4 reads + 4 writes per edge, fully pipelined, no conflicts', async () => {
    const L = 2;
    const { sim, top, clk, sram } = rig({ banks: 4, ports: '1R1W', readLatency: L, capacityBytes: 65536 });
    const all: SramAccess[] = [];
    let issued = 0;
    top.onRising(clk, () => {
      if (issued >= 100) return;
      for (let j = 0; j < 4; j++) {
        all.push(sram.read((issued * 4 + j) * 8));
        all.push(sram.write(32768 + (issued * 4 + j) * 8));
      }
      issued++;
    });
    // edges 1..100 issue; the last reads are accepted at edge 101 and usable at 101 + L
    await sim.run({ cycles: 100 + 1 + L - 1, clock: clk });
    expect(all.every((a) => sram.isDone(a))).toBe(false);
    await sim.run({ cycles: 1, clock: clk });
    expect(all.every((a) => sram.isDone(a))).toBe(true);
    expect(sram.counters).toMatchObject({ reads: 400, writes: 400, conflicts: 0, busyCycles: 100, bytesRead: 3200 });
    expect([...sram.bankAccesses]).toEqual([200, 200, 200, 200]);
  });

  it('blocked mapping puts a consecutive stream in one bank: 1 read per edge, conflicts counted', async () => {
    const { sim, top, clk, sram } = rig({ banks: 4, ports: '1R1W', mapping: 'blocked', capacityBytes: 65536 });
    const all: SramAccess[] = [];
    let issued = 0;
    top.onRising(clk, () => {
      if (issued >= 100) return;
      for (let j = 0; j < 4; j++) all.push(sram.read((issued * 4 + j) * 8));
      issued++;
    });
    await sim.run({ cycles: 500, clock: clk });
    const last = Math.max(...all.map((a) => a.acceptedCycle));
    expect(last).toBe(401); // 400 reads, one per edge from edge 2
    // access i (issued at edge floor(i/4) + 1) waits (i + 2) - (floor(i/4) + 2) edges
    const expected = all.reduce((s, _a, i) => s + (i - Math.floor(i / 4)), 0);
    expect(sram.counters.conflicts).toBe(expected);
    expect(sram.counters.delayedAccesses).toBe(399); // the backlog grows: all but the first wait
    expect(sram.counters.maxWaiting).toBeGreaterThan(200);
  });
});

describe('SramBanks: live bytes', () => {
  it('allocate / free change live bytes now and the traced signal at the next edge; first fit reuses gaps', async () => {
    const { sim, top, clk, sram } = rig({ capacityBytes: 1024 });
    const trace: number[] = [];
    top.onRising(clk, () => trace.push((sram.liveBytes as Signal).value));
    top.fork(async () => {
      await rising(clk);
      expect(sram.allocate('x', 100)).toBe(0); // rounded to 104 (13 words)
      expect(sram.allocate('fx', 200)).toBe(104);
      expect(sram.liveNow).toBe(304);
      await rising(clk);
      sram.free('x');
      expect(sram.allocate('y', 96)).toBe(0); // first fit: the freed gap
      sram.free('y');
      sram.free('fx');
      expect(sram.allocate('big', 1024)).toBe(0); // gaps merged back into one
      await rising(clk);
      sram.free('big');
    });
    await sim.run({ cycles: 6, clock: clk });
    expect(trace).toEqual([0, 0, 304, 1024, 0, 0]);
    expect(sram.liveHighWater).toBe(1024);
  });

  it('names the tensor when it does not fit', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    sram.allocate('a', 512);
    expect(sram.tryAllocate('b', 1000)).toBeNull();
    expect(() => sram.allocate('b', 1000)).toThrow(/cannot allocate 'b' \(1000 bytes\): 512 of 1024 bytes free, largest gap 512/);
    expect(() => sram.allocate('a', 8)).toThrow(/'a' is already allocated/);
    expect(() => sram.free('zz')).toThrow(/free 'zz': not allocated/);
  });
});

describe('SramBanks: configuration and address errors', () => {
  it('names the field and the expectation', () => {
    expect(() => rig({ capacityBytes: 1000, banks: 4 })).toThrow(/capacityBytes: expected a multiple of wordBytes x banks = 32, got 1000/);
    expect(() => rig({ readLatency: 0 })).toThrow(/readLatency: expected an integer >= 1, got 0/);
    expect(() => rig({ ports: '2RW' as never })).toThrow(/ports: expected '1RW' or '1R1W', got '2RW'/);
    expect(() => rig({ mapping: 'x' as never })).toThrow(/mapping: expected 'interleaved' or 'blocked'/);
    const { sram } = rig();
    expect(() => sram.read(4)).toThrow(/address 4 is not a word address: expected a multiple of wordBytes = 8 in 0\.\.4088/);
    expect(() => sram.read(4096)).toThrow(/address 4096/);
    expect(() => sram.write(0, new Uint8Array(9))).toThrow(/write data is 9 bytes, expected at most wordBytes = 8/);
  });

  it('SramBank is one bank; storeData false reads null', async () => {
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
    const b = new SramBank(top, 'b', clk, { capacityBytes: 256, wordBytes: 4, storeData: false });
    expect(b.banks).toBe(1);
    let r: SramAccess | null = null;
    top.fork(async () => {
      await rising(clk);
      r = b.read(8);
    });
    await sim.run({ cycles: 5, clock: clk });
    expect(b.isDone(r!)).toBe(true);
    expect(r!.data).toBeNull();
  });
});
