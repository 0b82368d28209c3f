import { describe, expect, it } from 'vitest';
import { DeadlockError, Watchdog } from '../../sim/watchdog.ts';
import { HandshakeRecorder } from '../../testbench/drivers/handshake-recorder.ts';
import { Scoreboard } from '../../testbench/drivers/scoreboard.ts';
import { joinSkeleton, type JoinWire } from '../../testbench/drivers/join-skeleton.ts';
import { tensorToBeats } from '../../testbench/drivers/tensor-beats.ts';
import { bench, runUntil } from '../../testbench/drivers/testing.ts';
import { addSatTensor, relu } from '../../testbench/ref/quant.ts';
import { randomTensor } from '../../testbench/ref/tensor.ts';
import { makeRng } from '../../testbench/stimulus/random.ts';
import type { Beat } from './beat.ts';
import type { StreamWires } from './stream.ts';
import { WidthConverter } from './width-converter.ts';

const LANES = 8;

interface Options {
  dataMode: boolean;
  seed: number;
  mainDepth: number;
  skipDepth: number;
  /** Put a pack 8->32 / split 32->8 pair on the main path: it needs 4 beats before it emits one. */
  regroup?: boolean;
  pValid?: number;
  pReady?: number;
}

/**
 * A residual block's stream skeleton: driver -> fork -> main [fifo (-> pack -> split)] / skip [fifo]
 * -> adder (+ReLU) -> monitor, with a checker and a handshake recorder on every stream.
 */
function residual(o: Options) {
  const t = bench();
  const x = randomTensor(makeRng(o.seed), 3, 4, 32); // 4 channel groups per pixel: the pack can regroup them
  const beats = tensorToBeats(x, LANES, 0, true, o.dataMode);
  const want = tensorToBeats(relu(addSatTensor(x, x)), LANES, 0, true, o.dataMode);
  const sb = new Scoreboard({ expected: want, timingOnly: !o.dataMode, seed: o.seed });
  const regroup = (q: StreamWires<Beat | null>, w: JoinWire) => {
    const pack = new WidthConverter(t.top, 'pack', { clk: t.clk, inLanes: LANES, outLanes: 4 * LANES, bits: 8 });
    const split = new WidthConverter(t.top, 'split', { clk: t.clk, inLanes: 4 * LANES, outLanes: LANES, bits: 8 });
    pack.s.bind(q);
    const wide = w('wide', 4 * LANES);
    pack.m.bind(wide);
    split.s.bind(wide);
    const out = w('main_out');
    split.m.bind(out);
    return out;
  };
  const j = joinSkeleton(t.top, {
    clk: t.clk,
    beats,
    lanes: LANES,
    bits: 8,
    mainDepth: o.mainDepth,
    skipDepth: o.skipDepth,
    pValid: o.pValid ?? 0.8,
    driverSeed: o.seed,
    pReady: o.pReady ?? 0.7,
    monitorSeed: o.seed + 1,
    mode: o.dataMode ? 'data' : 'timing',
    check: true,
    scoreboard: sb,
    mainPath: o.regroup ? regroup : undefined,
  });
  const rec = new HandshakeRecorder(t.top, 'rec', { clk: t.clk, streams: j.wires });
  const wd = new Watchdog(t.top, 'wd', { clock: t.clk, idleCycles: 50, workRemains: () => j.mon.count < want.length });
  return { t, n: want.length, ...j, sb, rec, wd };
}

describe('data mode and timing mode run cycle for cycle alike', () => {
  for (const regroup of [false, true]) {
    it(`identical valid/ready histories and cycle counts${regroup ? ' (main path regroups beats)' : ''}`, async () => {
      for (const seed of [1, 2, 3]) {
        const runs = [];
        for (const dataMode of [true, false]) {
          const r = residual({ dataMode, seed, mainDepth: 2, skipDepth: regroup ? 12 : 4, regroup });
          const cycles = await runUntil(r.t, () => r.mon.count === r.n, 5000);
          expect(r.sb.finish()?.message ?? null, `seed ${seed}`).toBeNull();
          runs.push({ cycles, r });
        }
        const [data, timing] = runs as [(typeof runs)[0], (typeof runs)[0]];
        expect(timing.cycles, `seed ${seed}`).toBe(data.cycles);
        expect(timing.r.rec.histories, `seed ${seed}`).toEqual(data.r.rec.histories);
        expect(timing.r.mon.cyclesOf).toEqual(data.r.mon.cyclesOf);
        expect(timing.r.skipFifo.highWater).toBe(data.r.skipFifo.highWater);
        expect([timing.r.add.waitingForA, timing.r.add.waitingForB]).toEqual([data.r.add.waitingForA, data.r.add.waitingForB]);
        // The join stalled at least once on each run: the histories are not trivially full-rate.
        expect(data.r.rec.histories.some((h) => h.valid.some((v, i) => v && !h.ready[i]))).toBe(true);
      }
    });
  }
});

describe('an undersized skip FIFO deadlocks the block (lock-step fork)', () => {
  it('the main path needs 4 beats before it emits one: skip depth 3 deadlocks, depth 4 completes', async () => {
    const small = residual({ dataMode: false, seed: 5, mainDepth: 2, skipDepth: 3, regroup: true, pValid: 1, pReady: 1 });
    const e = await runUntil(small.t, () => small.mon.count === small.n, 1000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlockError);
    const msg = (e as DeadlockError).message;
    expect(msg).toContain('top.skip_fifo: full (3/3): waiting for top.add to pop (its b_ready is 0)');
    expect(msg).toContain('top.fork: waiting for branch skip (top.skip_fifo) to be ready');
    expect(msg).toContain('top.add: waiting for main path (input a, from top.split)');
    const enough = residual({ dataMode: false, seed: 5, mainDepth: 2, skipDepth: 4, regroup: true, pValid: 1, pReady: 1 });
    await runUntil(enough.t, () => enough.mon.count === enough.n, 1000);
    expect(enough.skipFifo.highWater).toBe(4);
  });
});
