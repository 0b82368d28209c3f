import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { Signal } from '../../sim/signal.ts';
import { rising, settled } from '../../sim/triggers.ts';
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

describe('SramBanks: allocateAt (a planner\'s placement)', () => {
  it('claims exactly [base, base + size), size rounded up to whole words; allocate() first-fits around it', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    sram.allocateAt('a', 64, 100); // [64, 168)
    expect(sram.baseOf('a')).toBe(64);
    expect(sram.liveNow).toBe(104);
    expect(sram.allocate('b', 64)).toBe(0); // the gap below 'a', exactly
    expect(sram.allocate('c', 8)).toBe(168); // right after 'a'
    sram.allocateAt('d', 176, 1024 - 176); // the rest
    expect(sram.liveNow).toBe(1024);
    expect(sram.tryAllocate('e', 1)).toBeNull();
  });

  it('splits a gap in two; free() merges the pieces back into maximal gaps', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    sram.allocateAt('mid', 512, 64); // gaps [0, 512) and [576, 1024)
    expect(sram.allocate('x', 512)).toBe(0); // the lower piece, all of it
    expect(sram.allocate('y', 448)).toBe(576); // the upper piece, all of it
    expect(sram.tryAllocate('z', 8)).toBeNull();
    sram.free('mid');
    expect(sram.allocate('z', 64)).toBe(512); // the hole it left
    sram.free('z');
    sram.free('x'); // [0, 512) merges with [512, 576)
    expect(sram.tryAllocate('big', 577)).toBeNull();
    expect(sram.allocate('big', 576)).toBe(0);
    sram.free('big');
    sram.free('y'); // everything merges into one gap
    expect(sram.allocate('all', 1024)).toBe(0);
    sram.free('all');
    // adjacent placements, freed in an order that merges left, right and both ways
    sram.allocateAt('p', 0, 256);
    sram.allocateAt('q', 256, 256);
    sram.allocateAt('r', 512, 256);
    sram.free('q');
    sram.free('p');
    sram.free('r');
    expect(sram.liveNow).toBe(0);
    sram.allocateAt('whole', 0, 1024);
    expect(sram.liveNow).toBe(1024);
  });

  it('refuses a base that is not a word address, naming the field; nothing changes', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    for (const base of [12, -8, 8.5, NaN]) {
      expect(() => sram.allocateAt('x', base, 8)).toThrow(
        `top.sram: allocateAt 'x': base must be a word address (a multiple of wordBytes = 8, >= 0), got ${base}`,
      );
    }
    expect(() => sram.allocateAt('x', 8, 0)).toThrow(/allocateAt 'x': bytes must be a positive integer, got 0/);
    expect(sram.liveNow).toBe(0);
    sram.allocateAt('x', 16, 8);
    expect(() => sram.allocateAt('x', 64, 8)).toThrow(/'x' is already allocated/);
    expect(sram.baseOf('x')).toBe(16);
  });

  it('an overlap names the SRAM, the buffer, the range and every live allocation it overlaps, with theirs', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    sram.allocateAt('a', 64, 64);
    sram.allocateAt('b', 192, 60); // [192, 256)
    sram.allocateAt('far', 512, 64);
    expect(() => sram.allocateAt('c', 96, 128)).toThrow(
      "top.sram: cannot allocate 'c' at [96, 224) (128 bytes): it overlaps 'a' [64, 128), 'b' [192, 256)",
    );
    expect(() => sram.allocateAt('d', 248, 1)).toThrow("top.sram: cannot allocate 'd' at [248, 256) (1 bytes): it overlaps 'b' [192, 256)");
    expect(sram.liveNow).toBe(64 + 64 + 64);
    sram.allocateAt('between', 128, 64); // [128, 192) touches both and overlaps neither
    expect(sram.liveNow).toBe(256);
  });

  it('a range past the capacity is refused, with any overlap too', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    expect(() => sram.allocateAt('z', 1016, 16)).toThrow("top.sram: cannot allocate 'z' at [1016, 1032) (16 bytes): it runs past the capacity of 1024 bytes");
    expect(() => sram.allocateAt('z', 2048, 8)).toThrow(/at \[2048, 2056\) \(8 bytes\): it runs past the capacity of 1024 bytes/);
    sram.allocateAt('top', 960, 64);
    expect(() => sram.allocateAt('z', 896, 256)).toThrow(
      "cannot allocate 'z' at [896, 1152) (256 bytes): it overlaps 'top' [960, 1024); it runs past the capacity of 1024 bytes",
    );
    sram.allocateAt('z', 1016 - 64, 8);
    expect(sram.liveNow).toBe(72);
  });

  it('high water is the most live at once, across allocate, allocateAt and free', () => {
    const { sram } = rig({ capacityBytes: 1024 });
    sram.allocateAt('a', 256, 500); // 504
    sram.allocate('b', 16);
    expect(sram.liveHighWater).toBe(520);
    sram.free('a');
    sram.allocateAt('c', 512, 256);
    expect(sram.liveNow).toBe(272);
    expect(sram.liveHighWater).toBe(520);
    sram.allocateAt('d', 768, 256);
    expect(sram.liveHighWater).toBe(528);
  });

  it('live_bytes at edge k shows what was allocated up to edge k-1, whether the client runs before or after the SRAM', async () => {
    const trace = async (clientFirst: boolean) => {
      const sim = new Simulator({ timescale: '1ps' });
      const top = new Module(sim, 'top');
      const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
      let sram: SramBanks | null = null;
      const cycles = () => sim.clockOf(clk).cycles;
      const client = () =>
        new (class extends Module {
          constructor() {
            super(top, 'client');
            this.onRising(clk, () => {
              const k = cycles();
              if (k === 2) sram!.allocateAt('a', 0, 64);
              if (k === 3) sram!.allocateAt('b', 128, 32);
              if (k === 5) {
                sram!.free('a');
                sram!.allocateAt('c', 512, 8);
              }
            });
          }
        })();
      if (clientFirst) client();
      sram = new SramBanks(top, 'sram', clk, { capacityBytes: 1024, wordBytes: 8 });
      if (!clientFirst) client();
      const seen: number[] = [];
      top.fork(async () => {
        for (;;) {
          await settled(sim);
          seen.push((sram!.liveBytes as Signal).value);
          await rising(clk);
        }
      });
      await sim.run({ cycles: 7, clock: clk });
      return seen.slice(1); // settled values at edges 1..7
    };
    const expected = [0, 0, 64, 96, 96, 40, 40];
    expect(await trace(false)).toEqual(expected);
    expect(await trace(true)).toEqual(expected);
  });

  it('property: random allocateAt / free: live bytes are the rounded sizes; overlaps are refused; allocate() still first-fits', () => {
    const WORD = 8;
    const CAP = 512;
    const words = CAP / WORD;
    const step = fc.oneof(
      fc.record({ op: fc.constant('at' as const), word: fc.integer({ min: 0, max: words - 1 }), bytes: fc.integer({ min: 1, max: 12 * WORD }) }),
      fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('probe' as const), bytes: fc.integer({ min: 1, max: CAP }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const { sram } = rig({ capacityBytes: CAP, wordBytes: WORD });
        // the model: live buffers as word ranges, sizes rounded up by word counting
        const model = new Map<string, { w0: number; n: number }>();
        let high = 0;
        let id = 0;
        const used = () => {
          const u = new Array<boolean>(words).fill(false);
          for (const { w0, n } of model.values()) for (let w = w0; w < w0 + n; w++) u[w] = true;
          return u;
        };
        const liveModel = () => [...model.values()].reduce((s, b) => s + b.n * WORD, 0);
        for (const s of steps) {
          if (s.op === 'at') {
            let n = 0;
            while (n * WORD < s.bytes) n++;
            const name = `t${id++}`;
            const u = used();
            const clash = s.word + n > words || u.slice(s.word, s.word + n).some((x) => x);
            if (clash) {
              expect(() => sram.allocateAt(name, s.word * WORD, s.bytes)).toThrow(s.word + n > words ? /runs past the capacity/ : /overlaps '/);
            } else {
              sram.allocateAt(name, s.word * WORD, s.bytes);
              model.set(name, { w0: s.word, n });
            }
          } else if (s.op === 'free') {
            const names = [...model.keys()];
            if (names.length === 0) continue;
            const name = names[s.pick % names.length]!;
            sram.free(name);
            model.delete(name);
          } else {
            // first fit by the model: the lowest word starting a free run long enough
            let n = 0;
            while (n * WORD < s.bytes) n++;
            const u = used();
            let want: number | null = null;
            for (let w = 0, run = 0; w < words && want === null; w++) {
              run = u[w] ? 0 : run + 1;
              if (run === n) want = (w - n + 1) * WORD;
            }
            const got = sram.tryAllocate('probe', s.bytes);
            expect(got).toBe(want);
            if (got !== null) {
              high = Math.max(high, liveModel() + n * WORD);
              sram.free('probe');
            }
          }
          high = Math.max(high, liveModel());
          expect(sram.liveNow).toBe(liveModel());
          expect(sram.liveHighWater).toBe(high);
          for (const [name, b] of model) expect(sram.baseOf(name)).toBe(b.w0 * WORD);
        }
      }),
      { numRuns: 300 },
    );
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
