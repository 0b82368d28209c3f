import { describe, expect, it } from 'vitest';
import { ErrorCodes, type SimError } from '../../sim/errors.ts';
import { ProtocolChecker } from '../../hw/stream/protocol-checker.ts';
import { makeBeat } from '../../hw/stream/beat.ts';
import { gapSequence, makeRng } from '../stimulus/random.ts';
import { HandshakeRecorder } from './handshake-recorder.ts';
import { Scoreboard } from './scoreboard.ts';
import { StreamDriver, type Gaps } from './stream-driver.ts';
import { StreamMonitor } from './stream-monitor.ts';
import { beatWires, bench, numberedBeats, runUntil } from './testing.ts';

function link(n: number, pValid: Gaps, pReady: Gaps, seeds: [number, number], scoreboard?: Scoreboard) {
  const t = bench();
  const beats = numberedBeats(n, 4);
  const w = beatWires(t.top, 'x', 4, 8);
  const drv = new StreamDriver(t.top, 'drv', { clk: t.clk, beats, lanes: 4, bits: 8, pValid, seed: seeds[0] });
  const mon = new StreamMonitor(t.top, 'mon', { clk: t.clk, lanes: 4, bits: 8, pReady, seed: seeds[1], scoreboard });
  drv.m.bind(w);
  mon.s.bind(w);
  const chk = new ProtocolChecker(t.top, 'chk', w, { clk: t.clk, lanes: 4, bits: 8 });
  const rec = new HandshakeRecorder(t.top, 'rec', { clk: t.clk, streams: [w] });
  return { t, beats, drv, mon, chk, rec };
}

/** 1-based cycles at which a seeded gap pattern says yes. */
function yesCycles(seed: number, p: number, n: number): number[] {
  return gapSequence(makeRng(seed), p, n).flatMap((y, i) => (y ? [i + 1] : []));
}

describe('StreamDriver and StreamMonitor', () => {
  it('one seeded gap decision per cycle: with an always-ready sink the beats go exactly where the pattern says', async () => {
    const l = link(10, 0.4, 1, [5, 6]);
    await runUntil(l.t, () => l.mon.count === 10);
    expect(l.drv.sentCycles).toEqual(yesCycles(5, 0.4, 200).slice(0, 10));
    expect(l.mon.cyclesOf).toEqual(l.drv.sentCycles);
    expect(l.mon.beats).toEqual(l.beats);
    expect(l.drv.seed).toBe('5');
  });

  it('the monitor takes beats exactly when its seeded ready pattern says', async () => {
    const l = link(10, 1, 0.3, [5, 6]);
    await runUntil(l.t, () => l.mon.count === 10);
    expect(l.mon.cyclesOf).toEqual(yesCycles(6, 0.3, 200).slice(0, 10));
  });

  it('holds a beat until it is taken and replays identically from the same seeds', async () => {
    const a = link(30, 0.6, 0.4, [1, 2]);
    const b = link(30, 0.6, 0.4, [1, 2]);
    const c = link(30, 0.6, 0.4, [1, 3]);
    for (const l of [a, b, c]) await runUntil(l.t, () => l.mon.count === 30);
    for (const l of [a, b, c]) {
      expect(l.chk.violations).toEqual([]);
      expect(l.mon.beats).toEqual(l.beats);
      expect(l.chk.stallCycles).toBeGreaterThan(0);
    }
    expect(b.mon.cyclesOf).toEqual(a.mon.cyclesOf);
    expect(b.rec.histories).toEqual(a.rec.histories);
    expect(c.mon.cyclesOf).not.toEqual(a.mon.cyclesOf);
  });

  it('the handshake recorder shows idle, stall, transfer and ready-only cycles', async () => {
    const l = link(2, (c) => c === 2, (c) => c === 1 || c === 4, [1, 1]);
    await runUntil(l.t, () => l.mon.count === 1, 10);
    expect(l.rec.summary()).toBe('top.x: rssT');
    expect(l.rec.histories[0]!.valid).toEqual([0, 1, 1, 1]);
  });

  it('rejects gap probabilities outside (0, 1]', () => {
    const t = bench();
    expect(() => new StreamDriver(t.top, 'd', { clk: t.clk, beats: [], lanes: 1, bits: 8, pValid: 0 })).toThrow('top.d pValid: probability must be in (0, 1], got 0');
  });

  it('a live scoreboard fails the run at the first wrong beat, naming the cycle and the seeds', async () => {
    const expected = numberedBeats(5, 4);
    const wrong = [...expected];
    wrong[3] = makeBeat(Int8Array.of(9, 9, 9, 9), expected[3]!.tag, false);
    const l = link(5, 1, 1, [1, 2], new Scoreboard({ expected: wrong, seed: 'drv 1 / mon 2', label: 'out' }));
    const e = (await runUntil(l.t, () => l.mon.count === 5).catch((x: unknown) => x)) as SimError;
    expect(e.code).toBe(ErrorCodes.CHECK_FAILED);
    expect(e.message).toContain('top.mon: at cycle 4 out: beat 3 (frame 0 y 0 x 3 group 0): lane 0 = -79, expected 9;');
    expect(e.message).toContain('[seed drv 1 / mon 2] (monitor seed 2)');
  });
});

describe('Scoreboard', () => {
  const exp = numberedBeats(4, 2);

  it('accepts an exact match and reports the first mismatch with index, tag and lanes', () => {
    expect(new Scoreboard({ expected: exp }).check(exp)).toBeNull();
    const got = [...exp];
    got[2] = makeBeat(Int8Array.of(exp[2]!.lanes![0]!, 5), exp[2]!.tag, false);
    got[3] = makeBeat(Int8Array.of(0, 0), exp[3]!.tag, true);
    const m = new Scoreboard({ expected: exp, seed: 42 }).check(got)!;
    expect(m.index).toBe(2);
    expect(m.field).toBe('lanes');
    expect(m.lane).toBe(1);
    expect(m.message).toBe(
      'scoreboard: beat 2 (frame 0 y 0 x 2 group 0): lane 1 = 5, expected -83; expected {frame 0 y 0 x 2 group 0, lanes [-86, -83]}, actual {frame 0 y 0 x 2 group 0, lanes [-86, 5]} [seed 42]',
    );
  });

  it('tags, last, counts and mode', () => {
    const swapped = [exp[1]!, exp[0]!, exp[2]!, exp[3]!];
    expect(new Scoreboard({ expected: exp }).check(swapped)).toMatchObject({ index: 0, field: 'tag' });
    expect(new Scoreboard({ expected: exp }).check(exp.slice(0, 3))).toMatchObject({ index: 3, field: 'count' });
    expect(new Scoreboard({ expected: exp.slice(0, 3) }).check(exp)).toMatchObject({ index: 3, field: 'count' });
    const noLast = exp.map((b) => makeBeat(b.lanes, b.tag, false));
    expect(new Scoreboard({ expected: exp }).check(noLast)).toMatchObject({ index: 3, field: 'last' });
    const timing = numberedBeats(4, 2, { data: false });
    expect(new Scoreboard({ expected: exp }).check(timing)).toMatchObject({ index: 0, field: 'mode' });
    expect(new Scoreboard({ expected: exp, timingOnly: true }).check(timing)).toBeNull();
    expect(() => new Scoreboard({ expected: exp, seed: 7 }).assertMatches(swapped)).toThrow(/\[SKS-E012\] scoreboard: beat 0 .*\[seed 7\]/);
  });
});
