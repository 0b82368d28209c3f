import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/module.ts';
import { Simulator } from '../../sim/simulator.ts';
import { rising, risingWhen } from '../../sim/triggers.ts';
import { checkDramLog } from './dram-checker.ts';
import { DramCmd, DramController, type DramControllerOptions, type DramOp, type DramRequest } from './dram-controller.ts';
import {
  DRAM_PARAMS,
  burstTCK,
  peakBandwidthBytesPerSec,
  randomActivateRatePerTCK,
  randomRowMissBound,
  readLatencyTCK,
  sequentialBandwidthBound,
  type DramName,
} from './dram-params.ts';
import { DramTrafficGen, runDramBench, trafficPattern } from './dram-traffic.ts';

const NAMES: DramName[] = ['ddr4-3200', 'lpddr4-3200'];

function rig(opts: DramControllerOptions = {}) {
  const sim = new Simulator();
  const top = new Module(sim, 'top');
  const ctrl = new DramController(top, 'dram', { logCommands: true, ...opts });
  return { sim, top, ctrl };
}

/** Latency of a request in tCK. */
const tck = (ctrl: DramController, r: DramRequest) => (r.doneAt - r.arrivalTime) / ctrl.period;

describe('DramController: single-request latency (idle controller)', () => {
  // A request submitted after rising edge k is registered at edge k+1 (1 tCK controller overhead) and its
  // first command issues there. So latency = 1 + the row-state latency of npu-memory.md section 3.5:
  //   hit: 1 + CL + BL/2;  closed: 1 + tRCD + CL + BL/2;  conflict: 1 + tRP + tRCD + CL + BL/2;
  //   write hit: 1 + CWL + BL/2 (the last data beat is on the bus).
  for (const name of NAMES) {
    it(`${name}: hit / closed / conflict reads and a write hit`, async () => {
      const p = DRAM_PARAMS[name];
      const { sim, top, ctrl } = rig({ params: name });
      const m = ctrl.map;
      const got: Record<string, number> = {};
      top.fork(async () => {
        const run = async (key: string, op: DramOp, addr: number) => {
          const r = ctrl.submit(op, addr)!;
          await risingWhen(ctrl.clk, () => ctrl.isDone(r));
          got[key] = tck(ctrl, r);
          got[`${key}Outcome`] = ['hit', 'miss', 'conflict'].indexOf(r.outcome!);
          // let tRAS / tWR elapse so the next request sees only its own row state
          for (let i = 0; i < 80; i++) await rising(ctrl.clk);
        };
        await rising(ctrl.clk);
        await run('closed', 'read', 0);
        await run('hit', 'read', m.encode({ row: 0, bankGroup: 0, bank: 0, column: 1 }));
        await run('conflict', 'read', m.encode({ row: 1, bankGroup: 0, bank: 0, column: 0 }));
        await run('writeHit', 'write', m.encode({ row: 1, bankGroup: 0, bank: 0, column: 2 }));
      });
      await sim.run({ cycles: 600, clock: ctrl.clk });
      expect(got.closed).toBe(1 + readLatencyTCK(p, 'closed'));
      expect(got.hit).toBe(1 + readLatencyTCK(p, 'hit'));
      expect(got.conflict).toBe(1 + readLatencyTCK(p, 'conflict'));
      expect(got.writeHit).toBe(1 + p.CWL + burstTCK(p));
      expect([got.closedOutcome, got.hitOutcome, got.conflictOutcome, got.writeHitOutcome]).toEqual([1, 0, 2, 0]);
      if (name === 'ddr4-3200') {
        // 27 tCK x 0.625 ns = 16.875 ns for a DDR4-3200 row hit
        expect(got.hit).toBe(27);
        expect(ctrl.stats.latencySum).toBeGreaterThan(0);
      }
      expect(checkDramLog(p, ctrl.commandLog!).violations).toEqual([]);
    });
  }
});

describe('DramController: FR-FCFS', () => {
  it('serves younger row hits before an older conflict, at most rowHitCap per activation', async () => {
    const p = DRAM_PARAMS['ddr4-3200'];
    const { sim, top, ctrl } = rig({ rowHitCap: 4 });
    const m = ctrl.map;
    const at = (row: number, column: number) => m.encode({ row, bankGroup: 0, bank: 0, column });
    top.fork(async () => {
      await rising(ctrl.clk);
      const first = ctrl.submit('read', at(0, 0))!; // opens row 0 (1 column command of the cap)
      await risingWhen(ctrl.clk, () => ctrl.isDone(first));
      ctrl.submit('read', at(1, 0)); // the oldest: wants row 1
      for (let col = 1; col <= 6; col++) ctrl.submit('read', at(0, col)); // six younger hits to row 0
    });
    await sim.run({ cycles: 600, clock: ctrl.clk });
    const seq = ctrl.commandLog!.map((c) => `${['NOP', 'ACT', 'PRE', 'RD', 'WR', 'REF'][c.cmd]}${c.row}`);
    // 3 more hits (4 with the first), then row 1 for the oldest, then the last 3 reopen row 0.
    expect(seq).toEqual(['ACT0', 'RD0', 'RD0', 'RD0', 'RD0', 'PRE0', 'ACT1', 'RD1', 'PRE1', 'ACT0', 'RD0', 'RD0', 'RD0']);
    // Outcomes: the first read a miss; 3 hits; the oldest a conflict; the col-4 read a conflict (PRE of row 1)
    // whose ACT turns cols 5 and 6 into hits.
    expect(ctrl.stats).toMatchObject({ reads: 8, rowHits: 5, rowConflicts: 2, rowMisses: 1 });
    expect(checkDramLog(p, ctrl.commandLog!).violations).toEqual([]);
  });

  it('a full queue refuses, and frees a slot only after an issue', async () => {
    const { sim, top, ctrl } = rig({ readQueueDepth: 4, writeQueueDepth: 2 });
    const log: string[] = [];
    top.fork(async () => {
      await rising(ctrl.clk);
      for (let i = 0; i < 4; i++) expect(ctrl.submit('read', i * 64)).not.toBeNull();
      expect(ctrl.canAccept('read')).toBe(false);
      expect(ctrl.submit('read', 4 * 64)).toBeNull();
      expect(ctrl.canAccept('write')).toBe(true);
      await risingWhen(ctrl.clk, () => ctrl.canAccept('read'));
      log.push(`free at ${ctrl.stats.cycles}, issued ${ctrl.stats.reads}`);
    });
    await sim.run({ cycles: 100, clock: ctrl.clk });
    // ACTs at cycles 2, 6, 10, 14 (tRRD_S); first RD at 2 + tRCD = 24; visible to clients from the next edge.
    expect(log).toEqual(['free at 25, issued 1']);
    expect(() => ctrl.submit('read', 32)).toThrow(/not aligned to the 64-byte burst/);
  });

  it('drains writes in batches between the watermarks (few turnarounds)', async () => {
    const { result, commandLog } = await runDramBench({ dram: 'ddr4-3200', pattern: 'mixed', bytes: 96 * 1024, logCommands: true });
    expect(result.writes).toBe(512);
    expect(result.reads).toBe(1024);
    // Each drain serves >= high - low = 24 - 8 = 16 writes: at most 2 turnarounds per 16 writes (+ the tail).
    expect(result.turnarounds).toBeLessThanOrEqual(2 * Math.ceil(512 / 16) + 2);
    expect(checkDramLog(DRAM_PARAMS['ddr4-3200'], commandLog!).violations).toEqual([]);
  });

  it('a few writes are not starved by an endless read stream: drained after writeMaxWait cycles', async () => {
    for (const writeMaxWait of [256, 1024]) {
      const { sim, top, ctrl } = rig({ writeMaxWait });
      const gen = new DramTrafficGen(top, 'gen', ctrl, trafficPattern('sequential', 4096, ctrl.map));
      const writes: DramRequest[] = [];
      top.fork(async () => {
        for (let i = 0; i < 100; i++) await rising(ctrl.clk);
        for (let i = 0; i < 3; i++) writes.push(ctrl.submit('write', (1 << 24) + i * 64)!);
      });
      await sim.run({ until: () => gen.finished, cycles: 100_000, clock: ctrl.clk });
      const p = DRAM_PARAMS['ddr4-3200'];
      for (const w of writes) {
        // registered 1 tCK after submit; waits writeMaxWait; then read-to-write turnaround, ACT, tRCD, CWL + BL/2
        expect(tck(ctrl, w)).toBeGreaterThanOrEqual(writeMaxWait);
        expect(tck(ctrl, w)).toBeLessThan(writeMaxWait + 150);
        expect(w.doneAt).toBeLessThan(ctrl.stats.lastDone / 2);
      }
      expect(ctrl.stats.reads).toBe(4096);
      expect(checkDramLog(p, ctrl.commandLog!).violations).toEqual([]);
    }
  });

  it('sleeping through blocked cycles issues exactly the same commands', async () => {
    for (const pattern of ['mixed', 'random'] as const) {
      const logs = [];
      for (const sleep of [true, false]) {
        const { sim, top, ctrl } = rig({ sleep });
        const items = [...trafficPattern(pattern, 1500, ctrl.map, 'eq')];
        const gen = new DramTrafficGen(top, 'gen', ctrl, items);
        await sim.run({ until: () => gen.finished, cycles: 200_000, clock: ctrl.clk });
        logs.push(ctrl.commandLog!);
      }
      expect(logs[0]!.length).toBeGreaterThan(1500);
      expect(logs[0]).toEqual(logs[1]);
    }
  });
});

describe('DramController: protocol and peak bandwidth for any request stream (property)', () => {
  for (const name of NAMES) {
    it(`${name}: the command log obeys every timing rule and the data bus never exceeds its peak`, async () => {
      const p = DRAM_PARAMS[name];
      const item = fc.record({
        write: fc.boolean(),
        row: fc.integer({ min: 0, max: 2 }),
        bank: fc.integer({ min: 0, max: p.banksPerGroup - 1 }),
        group: fc.integer({ min: 0, max: p.bankGroups - 1 }),
        column: fc.integer({ min: 0, max: 7 }),
        gap: fc.integer({ min: 0, max: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(item, { minLength: 1, maxLength: 120 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 6 }),
          async (items, depth, cap) => {
            const { sim, top, ctrl } = rig({ params: name, readQueueDepth: depth, writeQueueDepth: depth, rowHitCap: cap, writeHighWatermark: depth, writeLowWatermark: 0 });
            const reqs: DramRequest[] = [];
            top.fork(async () => {
              await rising(ctrl.clk);
              for (const it of items) {
                for (let g = 0; g < it.gap; g++) await rising(ctrl.clk);
                const op: DramOp = it.write ? 'write' : 'read';
                const addr = ctrl.map.encode({ row: it.row, bank: it.bank, bankGroup: it.group, column: it.column });
                let r = ctrl.submit(op, addr);
                while (r === null) {
                  await rising(ctrl.clk);
                  r = ctrl.submit(op, addr);
                }
                reqs.push(r);
              }
            });
            const why = await sim.run({ until: () => reqs.length === items.length && reqs.every((r) => ctrl.isDone(r)), cycles: 100_000, clock: ctrl.clk });
            expect(why).toBe('until');
            const s = ctrl.stats;
            expect(s.reads + s.writes).toBe(items.length);
            expect(s.rowHits + s.rowMisses + s.rowConflicts).toBe(items.length);
            const report = checkDramLog(p, ctrl.commandLog!);
            expect(report.violations).toEqual([]);
            expect(ctrl.bandwidth()).toBeLessThanOrEqual(peakBandwidthBytesPerSec(p) * (1 + 1e-9));
            for (const r of reqs) {
              const min = r.op === 'read' ? 1 + readLatencyTCK(p, 'hit') : 1 + p.CWL + burstTCK(p);
              expect(tck(ctrl, r)).toBeGreaterThanOrEqual(min);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});

describe('DramController: bandwidth against the analytic bounds (1 MiB streams)', () => {
  for (const name of NAMES) {
    const p = DRAM_PARAMS[name];
    const bytes = 1 << 20;

    it(`${name}: sequential reads reach >= 90% of the sequential bound (and match the derived number)`, async () => {
      const { result: r, commandLog } = await runDramBench({ dram: name, pattern: 'sequential', bytes, logCommands: true });
      // Derivation. N = 1 MiB / 64 B = 16384 bursts. The request of edge 1 is seen at edge 2: ACT, then the
      // first RD tRCD later. The mapping rotates bursts over bank groups, so RDs follow every tCCD_S = BL/2
      // (the bus is 100% busy) and the next bank's ACT is hidden in the free command slots. At each refresh
      // (due every tREFI) the 16 (LPDDR4: 8) open banks are closed one PRE per cycle, REF follows tRP after
      // the last PRE, ACT tRFC later and RD tRCD after that: the RD stream stops for
      //   perRef = (banks - 1) + tRP + tRFC + tRCD, plus delta in 1..BL/2 (where the due time falls in the
      //   BL/2 slot), minus the BL/2 the RD would have taken anyway;
      // rarely a PRE also waits up to tRAS for a bank activated just before the due time.
      // The last data beat is CL + BL/2 after the last RD. So
      //   T = 1 + tRCD + (N - 1) BL/2 + CL + BL/2 + n_ref (perRef + delta - BL/2)   [+ < tRAS]
      // DDR4-3200: n_ref = 5, perRef = 619: T in 68,661 .. 68,676 tCK (measured 68,664) -> 24.43 GB/s,
      //   99.9% of the 24.45 GB/s bound; a long stream tends to 25.6 x (1 - 616/12480) = 24.34 GB/s (99.5%).
      // LPDDR4-3200: n_ref = 22, perRef = 351: T in 138,702 .. 138,856 (+ tRAS) tCK (measured 138,864)
      //   -> 12.08 GB/s, 98.9% of the 12.21 GB/s bound.
      const N = bytes / 64;
      const bl2 = burstTCK(p);
      const banks = p.bankGroups * p.banksPerGroup;
      const perRef = banks - 1 + p.tRP + p.tRFC + p.tRCD;
      const nRef = r.refreshes;
      const base = 1 + p.tRCD + (N - 1) * bl2 + p.CL + bl2;
      const t = Math.round(r.elapsedNs / (p.tCK_ps / 1000));
      expect(t).toBeGreaterThanOrEqual(base + nRef * (perRef + 1 - bl2));
      expect(t).toBeLessThanOrEqual(base + nRef * perRef + 2 * p.tRAS);
      if (name === 'ddr4-3200') expect(t).toBe(68_664);
      expect(nRef).toBe(Math.floor(t / p.tREFI));
      const bound = sequentialBandwidthBound(p) / 1e9;
      expect(r.bandwidthGBps).toBeGreaterThanOrEqual(0.9 * bound);
      expect(r.bandwidthGBps).toBeGreaterThanOrEqual(name === 'ddr4-3200' ? 24.4 : 12.05);
      expect(r.bandwidthGBps).toBeLessThan(r.peakGBps);
      expect(r.rowHitRate).toBeGreaterThan(0.98);
      expect(checkDramLog(p, commandLog!).violations).toEqual([]);
    });

    it(`${name}: random reads stay below the tFAW/tRRD random-miss bound, far below sequential`, async () => {
      for (const seed of ['a', 'b']) {
        const { result: r, commandLog } = await runDramBench({ dram: name, pattern: 'random', bytes, seed, logCommands: seed === 'a' });
        // Every burst needs its own ACT (2^16 rows: hits are ~1 in 65536). ACTs are limited to
        // min(banks/tRC, 4/tFAW, 1/tRRD_S, 2/BL) per tCK, and refresh blocks tRFC of every tREFI:
        //   DDR4-3200: 4/34 (tFAW) x 64 B / 0.625 ns x (1 - 560/12480) = 11.51 GB/s
        //   LPDDR4-3200: 1/16 (tFAW = 4 x tRRD) x 64 B / 0.625 ns x (1 - 288/6247) = 6.10 GB/s
        // This run lasts > 10 tREFI, so the refresh share is close to its average. Measured ~96-98% of it.
        expect(r.bandwidthGBps).toBeLessThan(randomRowMissBound(p) / 1e9);
        expect(r.bandwidthGBps).toBeGreaterThan(0.85 * (randomRowMissBound(p) / 1e9));
        expect(r.bandwidthGBps).toBeLessThan(0.52 * (sequentialBandwidthBound(p) / 1e9));
        expect(r.rowHits).toBeLessThan(5);
        // The exact, window-by-window form: ACTs <= rate x (time not blocked by refresh) + 4.
        const cycles = r.elapsedNs / (p.tCK_ps / 1000);
        expect(r.activates).toBeLessThanOrEqual(randomActivateRatePerTCK(p) * (cycles - r.refreshes * p.tRFC) + 4);
        if (seed === 'a') expect(checkDramLog(p, commandLog!).violations).toEqual([]);
      }
    });

    it(`${name}: refresh count = floor(time / tREFI) +- 1, busy or idle`, async () => {
      const { result: r } = await runDramBench({ dram: name, pattern: 'random', bytes: 256 * 1024 });
      expect(Math.abs(r.refreshes - Math.floor(r.dramCycles / p.tREFI))).toBeLessThanOrEqual(1);
      const { sim, ctrl } = rig({ params: name, logCommands: false });
      const cycles = Math.round(7.5 * p.tREFI);
      await sim.run({ cycles, clock: ctrl.clk });
      expect(ctrl.stats.refreshes).toBe(Math.floor(cycles / p.tREFI));
      await sim.run({ cycles: p.tREFI, clock: ctrl.clk });
      expect(ctrl.stats.refreshes).toBe(Math.floor((cycles + p.tREFI) / p.tREFI));
    });
  }

  it('a 1 MiB sequential bench runs in well under a few seconds', async () => {
    const { result } = await runDramBench({ dram: 'ddr4-3200', pattern: 'sequential', bytes: 1 << 20 });
    expect(result.wallSeconds).toBeLessThan(2);
  });
});

describe('DramController: configuration errors name the field', () => {
  it('rejects bad options', () => {
    expect(() => rig({ readQueueDepth: 0 })).toThrow(/readQueueDepth: expected a positive integer, got 0/);
    expect(() => rig({ writeQueueDepth: 8, writeHighWatermark: 9 })).toThrow(/writeLowWatermark\/writeHighWatermark/);
    expect(() => rig({ mapping: 'row:bank' })).toThrow(/mapping: field 'bankgroup' is missing/);
    expect(() => rig({ params: 'ddr5' as DramName })).toThrow(/unknown DRAM parameter set 'ddr5'/);
    expect(() => rig({ params: { ...DRAM_PARAMS['ddr4-3200'], tRC: 10 } })).toThrow(/tRC: expected >= tRAS \+ tRP/);
    const sim = new Simulator();
    const top = new Module(sim, 'top');
    const clk = sim.clock(top, 'clk', { period: 1, unit: 'ns' });
    expect(() => new DramController(top, 'd', { clock: clk })).toThrow(/clock: expected a period of tCK = 625 ps/);
    const coarse = new Simulator({ timescale: '1ns' });
    expect(() => new DramController(new Module(coarse, 'top'), 'd')).toThrow(/625 ps is not a whole/);
  });

  it('traces the command, its bank and the queue occupancies', async () => {
    const { sim, top, ctrl } = rig();
    const cmds = new Set<number>();
    top.onRising(ctrl.clk, () => cmds.add(ctrl.cmd.value));
    top.fork(async () => {
      await rising(ctrl.clk);
      ctrl.submit('read', 0);
      ctrl.submit('write', 64);
    });
    await sim.run({ cycles: 100, clock: ctrl.clk });
    expect([...cmds].sort()).toEqual([DramCmd.NOP, DramCmd.ACT, DramCmd.RD, DramCmd.WR]);
    expect(ctrl.rdq.value).toBe(0);
  });
});
