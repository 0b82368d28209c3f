import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyOf, parseVcdFile } from '../../../waves/vcd-reader.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const BLOCK = ['--block', 'downsample', '--height', '6', '--width', '5', '--channels', '4', '--simd', '4', '--pe', '4'];

describe('skipsim run', () => {
  it('simulates in data mode, checks bit-exactness, writes the VCD and .gtkw', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-run-'));
    const vcd = path.join(dir, 'ds.vcd');
    const io = capture();
    expect(await main(['run', ...BLOCK, '--backpressure', '0.6', '--frames', '2', '--vcd', vcd], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^downsample block 6x5x4 -> 8, 2 frame\(s\), data mode with tags and protocol checkers, skip FIFO depth unbounded/);
    expect(text).toMatch(/completed: \d+ output beats in [\d,]+ cycles, bit-exact against the reference/);
    expect(text).toContain(`waves: ${vcd} (view: gtkwave ${path.join(dir, 'ds.gtkw')})`);
    expect(fs.existsSync(path.join(dir, 'ds.gtkw'))).toBe(true);
    const parsed = await parseVcdFile(vcd);
    expect(historyOf(parsed, 'top.block.skip_fifo.occupancy').length).toBeGreaterThan(2);
  });

  it('--json reports the run; a timing-mode run takes the same cycles', async () => {
    const data = capture();
    expect(await main(['run', ...BLOCK, '--json'], data)).toBe(0);
    const d = JSON.parse(data.stdout.join('\n'));
    expect(d).toMatchObject({ completed: true, bitExact: true, mismatch: null, deadlock: null, config: { mode: 'data', fifoDepth: 'unbounded' } });
    const timing = capture();
    expect(await main(['run', ...BLOCK, '--mode', 'timing', '--no-debug', '--json'], timing)).toBe(0);
    const t = JSON.parse(timing.stdout.join('\n'));
    expect(t.cycles).toBe(d.cycles);
    expect(t.bitExact).toBeNull();
  });

  it('a too-small --depth deadlocks: exit 1, the chain of waits, the VCD marker; --out holds the report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-run-'));
    const io = capture();
    expect(await main(['run', '--block', 'basic', '--height', '5', '--width', '6', '--channels', '8', '--simd', '4', '--pe', '4', '--depth', '6', '--out', dir], io)).toBe(1);
    expect(io.stdout.join('\n')).toContain('DEADLOCK after');
    const err = io.stderr.join('\n');
    expect(err).toMatch(/\[SKS-E006\] deadlock at cycle \d+: fork blocked: skip FIFO full \(6\/6\) -> adder waiting for main path .* -> back to the fork/);
    expect(err).toMatch(/culprit: skip FIFO \(top\.block\.skip_fifo\) is full \(6\/6\)/);
    const at = Number(/marked in the VCD at (\d+) ns by top\.watchdog\.deadlock/.exec(err)![1]);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.deadlock.chain[0]).toMatchObject({ label: 'fork', reason: 'blocked: skip FIFO full (6/6)' });
    const marker = historyOf(await parseVcdFile(path.join(dir, 'block.vcd')), 'top.watchdog.deadlock');
    expect(marker[marker.length - 1]).toEqual([at, '1']);
  });

  it('reads a config file; bad options exit 2 naming the option', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-run-'));
    const file = path.join(dir, 'b.json');
    fs.writeFileSync(file, JSON.stringify({ block: 'bottleneck', height: 4, width: 4, channels: 8, midChannels: 4, simd: 4, pe: 4, backpressure: 0.5, source: { beats: 1, every: 2 } }));
    const ok = capture();
    expect(await main(['run', file, '--json'], ok)).toBe(0);
    expect(JSON.parse(ok.stdout.join('\n'))).toMatchObject({ completed: true, bitExact: true });
    const bad = capture();
    expect(await main(['run', file, '--depth', '0'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toContain("option '--depth <D>' argument '0' is invalid. expected an integer >= 1");
    const bits = capture();
    expect(await main(['run', file, '--bits', '4'], bits)).toBe(2);
    expect(bits.stderr.join('\n')).toContain("option '--bits': must be 8 in data mode");
  });
});
