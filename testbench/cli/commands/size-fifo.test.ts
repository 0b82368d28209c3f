import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const BASIC = ['--block', 'basic', '--height', '6', '--width', '7', '--channels', '8', '--simd', '4', '--pe', '4'];
const FIELDS = ['name', 'deadlockFreeDepth', 'fullThroughputDepth', 'maxOccupancyUnbounded', 'analyticDepth', 'formula', 'explanation', 'skipPathExtraSlots', 'wordBits', 'totalBits', 'memory'];

describe('skipsim size-fifo', () => {
  it('--json prints { fifos: [...] } with the documented fields', async () => {
    const io = capture();
    expect(await main(['size-fifo', ...BASIC, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    expect(r.fifos).toHaveLength(1);
    const f = r.fifos[0];
    for (const k of FIELDS) expect(f, k).toHaveProperty(k);
    expect(f).toMatchObject({ name: 'skip_fifo', deadlockFreeDepth: 34, analyticDepth: 34, wordBits: 32 });
    expect(f.formula).toContain('(2W+3)*NS = (2*7+3)*2 = 34');
    expect(f.memory).toMatchObject({ wordBits: 32, depth: f.fullThroughputDepth, cheapest: { primitive: expect.any(String) } });
    expect(r.config).toMatchObject({ block: 'basic', frames: 2 });
    expect(io.stderr).toEqual([]); // no progress output when not a terminal
  });

  it('prints a readable table without --json', async () => {
    const io = capture();
    expect(await main(['size-fifo', ...BASIC, '--frames', '1'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/deadlock-free depth\s+34\s+words/);
    expect(text).toMatch(/full-throughput depth\s+\d+/);
    expect(text).toMatch(/max occupancy, unbounded\s+\d+/);
    expect(text).toMatch(/analytic depth\s+34\s+words: from the geometry; equals the simulated deadlock-free depth/);
    expect(text).toContain('BRAM18');
    expect(text).toContain('rounded up to 2^k');
  });

  it('reads a YAML config with per-conv folding, and options override its fields', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-size-'));
    const file = path.join(dir, 'block.yaml');
    fs.writeFileSync(file, ['block: bottleneck', 'height: 5', 'width: 6', 'channels: 16', 'midChannels: 4', 'convs:', '  conv1: { simd: 2, pe: 4 }', '  conv2: { simd: 4, pe: 4 }', '  conv3: { simd: 4, pe: 2 }', 'frames: 1'].join('\n'));
    const io = capture();
    const out = path.join(dir, 'out');
    expect(await main(['size-fifo', file, '--width', '4', '--json', '--out', out], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    expect(r.config).toMatchObject({ width: 4, frames: 1, convs: { conv3: { simd: 4, pe: 2 } } });
    expect(r.fifos[0].deadlockFreeDepth).toBe((4 + 2) * 8);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'size-fifo.json'), 'utf8')).fifos[0].deadlockFreeDepth).toBe(48);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'scenario.json'), 'utf8')).block).toBe('bottleneck');
  });

  const bad: [string[], string][] = [
    [['size-fifo', '--block', 'resnext', '--height', '4', '--width', '4', '--channels', '8'], "option '--block <kind>' argument 'resnext' is invalid. expected one of basic, bottleneck, downsample"],
    [['size-fifo', '--block', 'basic', '--height', '0', '--width', '4', '--channels', '8'], "option '--height <H>' argument '0' is invalid. expected an integer >= 1"],
    [['size-fifo', '--block', 'basic', '--width', '4', '--channels', '8'], "option '--height' is required (with --block, --height, --width and --channels), or give a config file"],
    [['size-fifo', '--block', 'basic', '--height', '4', '--width', '4', '--channels', '8', '--out-channels', '16'], "option '--out-channels': the basic block has an identity skip"],
    [['size-fifo', '--block', 'basic', '--height', '4', '--width', '4', '--channels', '12', '--simd', '8', '--pe', '4'], "option '--simd': conv1.pe (4) feeds conv2.simd (8): regrouping 4 into 8 lanes needs the 12 channels to be a multiple of 8"],
    [['size-fifo', '--block', 'basic', '--height', '4', '--width', '4', '--channels', '8', '--source-rate', '3/2'], "option '--source-rate <rate>' argument '3/2' is invalid. expected B/N with 1 <= B <= N"],
  ];
  for (const [argv, message] of bad) {
    it(`exits 2 naming the problem: ${message}`, async () => {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr.join('\n')).toContain(message);
    });
  }

  it('a bad config file field names the field and the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-size-'));
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ block: 'basic', height: 4, width: 4, channels: 8, convs: { conv1: { simd: -1 } } }));
    const io = capture();
    expect(await main(['size-fifo', file], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`config field 'convs.conv1.simd' in ${file}: expected an integer >= 1, got -1`);
    // Block-wide folding from the file that the converters cannot regroup names the file's field.
    fs.writeFileSync(file, JSON.stringify({ block: 'basic', height: 4, width: 4, channels: 12, simd: 8, pe: 4 }));
    const io2 = capture();
    expect(await main(['size-fifo', file], io2)).toBe(2);
    expect(io2.stderr.join('\n')).toContain(`config field 'simd' in ${file} (for convs.conv2.simd): conv1.pe (4) feeds conv2.simd (8)`);
  });
});
