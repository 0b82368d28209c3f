import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVcdFile, historyOf } from '../../waves/vcd-reader.ts';
import { WaveFiles } from '../../waves/wave-files.ts';
import { analyticDepth } from '../sizing/analytic.ts';
import { blockLayout } from './block-layout.ts';
import { parseScenarioConfig, type BlockKind } from './config.ts';
import { runResidualBlock } from './run-block.ts';

const SHAPE = { height: 6, width: 7, channels: 8, simd: 4, pe: 4, frames: 2 };

function config(block: BlockKind, extra: object = {}) {
  return parseScenarioConfig({ block, ...SHAPE, ...extra });
}

describe('an undersized skip FIFO deadlocks the block; the watchdog stops it and the chain of waits names the full FIFO', () => {
  it('basic: fork -> adder -> conv2 -> conv1 -> back to the fork, culprit the FIFO', async () => {
    const c = config('basic', { mode: 'timing' });
    const d = analyticDepth(blockLayout(c)).depth - 1;
    const r = await runResidualBlock(c, { depth: d });
    expect(r.completed).toBe(false);
    const diag = r.deadlock!;
    expect(diag.chain.map((l) => l.label)).toEqual(['fork', 'adder', 'conv2', 'conv1']);
    expect(diag.cyclic).toBe(true);
    expect(diag.chain[0]!.reason).toBe(`blocked: skip FIFO full (${d}/${d})`);
    expect(diag.chain[1]!.reason).toMatch(/^waiting for main path \(input a, output beat \d+: frame 0 y \d+ x \d+ group 0\)/);
    expect(diag.chain[2]!.reason).toMatch(/^waiting for input row \d+ .*have rows 0\.\.\d+/);
    expect(diag.message).toMatch(/^deadlock at cycle \d+: fork blocked: skip FIFO full \(\d+\/\d+\) -> adder waiting for main path .* -> conv2 waiting for input row .* -> conv1 waiting for input row .* -> back to the fork\nculprit: skip FIFO \(top\.block\.skip_fifo\) is full/);
    expect(diag.culprit!.path).toBe('top.block.skip_fifo');
    // The binding pixel: the adder waits for (y, x) whose main output needs input (y+2, x+2).
    expect(diag.culprit!.detail).toMatch(/output pixel \(y (\d+), x (\d+)\) of frame 0, which needs input up to pixel \(y \d+, x \d+\)/);
    // The watchdog stops the block within its idle limit of the last progress: it never runs to the cycle bound.
    expect(diag.cycle).toBeLessThan(2000);
    expect(r.timedOut).toBe(false);
  });

  it('bottleneck: the chain runs through all three convs', async () => {
    const c = config('bottleneck', { mode: 'timing', channels: 16 });
    const d = analyticDepth(blockLayout(c)).depth - 1;
    const r = await runResidualBlock(c, { depth: d });
    expect(r.deadlock!.chain.map((l) => l.label)).toEqual(['fork', 'adder', 'conv3', 'conv2', 'conv1']);
    expect(r.deadlock!.culprit!.reason).toBe(`is full (${d}/${d})`);
  });

  it('downsample: the fork waits on the projection, which waits on the full FIFO', async () => {
    const c = config('downsample', { mode: 'timing' });
    const d = analyticDepth(blockLayout(c)).depth - 1;
    const r = await runResidualBlock(c, { depth: d });
    const chain = r.deadlock!.chain;
    expect(chain.map((l) => l.label)).toEqual(['fork', 'proj', 'skip FIFO', 'adder', 'conv2', 'conv1']);
    expect(chain[0]!.reason).toBe('blocked: skip path not ready (proj)');
    expect(chain[1]!.reason).toMatch(/^output not ready/);
    expect(chain[2]!.reason).toBe(`full (${d}/${d}), waiting for the adder to pop`);
    expect(r.deadlock!.cyclic).toBe(true);
  });

  it('with a skip width converter the chain still closes at the fork', async () => {
    const c = config('basic', { mode: 'timing', convs: { conv1: { simd: 8, pe: 4 }, conv2: { simd: 4, pe: 4 } } });
    const d = analyticDepth(blockLayout(c)).depth - 1;
    const r = await runResidualBlock(c, { depth: d });
    expect(r.deadlock!.chain[0]!.label).toBe('fork');
    expect(r.deadlock!.chain.map((l) => l.label)).toContain('adder');
    expect(r.deadlock!.culprit!.path).toBe('top.block.skip_fifo');
  });

  it('data mode with checkers deadlocks the same way, at the same cycle as timing mode', async () => {
    const c = config('basic');
    const d = analyticDepth(blockLayout(c)).depth - 1;
    const data = await runResidualBlock(c, { depth: d });
    const timing = await runResidualBlock({ ...c, mode: 'timing', debug: false }, { depth: d });
    expect(data.deadlock!.cycle).toBe(timing.deadlock!.cycle);
    expect(data.violations).toEqual([]);
  });

  it('the deadlock is marked in the VCD (top.watchdog.deadlock rises at the failure time) and the .gtkw opens there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-deadlock-'));
    const vcd = path.join(dir, 'deadlock.vcd');
    const waves = new WaveFiles({ vcd });
    const c = config('basic');
    const r = await runResidualBlock(c, { depth: 10, trace: waves });
    const t = r.deadlock!.error.time!;
    expect(t).toBeGreaterThan(0);
    const parsed = await parseVcdFile(vcd);
    const marker = historyOf(parsed, 'top.watchdog.deadlock');
    expect(marker[marker.length - 1]).toEqual([t, '1']);
    expect(marker.filter(([, v]) => v === '1')).toHaveLength(1);
    // The FIFO occupancy trace ends full.
    const occ = historyOf(parsed, 'top.block.skip_fifo.occupancy');
    expect(parseInt(occ[occ.length - 1]![1].replace(/^b/, ''), 2)).toBe(10);
    const gtkw = fs.readFileSync(waves.gtkwPath!, 'utf8');
    expect(gtkw).toContain('top.watchdog.deadlock');
    expect(gtkw).toContain('top.block.skip_fifo.occupancy');
    // Primary marker (the second field of the '*' zoom line) on the deadlock time.
    expect(gtkw.split('\n').find((l) => l.startsWith('*'))!.split(' ')[1]).toBe(String(t));
  });
});
