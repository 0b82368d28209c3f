import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { byteCount } from './dram-bench.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

/** The JSON fields documented in docs/npu-memory.md. */
const FIELDS = [
  'dram', 'pattern', 'mapping', 'bytes', 'requests', 'reads', 'writes', 'dramCycles', 'elapsedNs',
  'bandwidthGBps', 'peakGBps', 'percentOfPeak', 'sequentialBoundGBps', 'randomBoundGBps',
  'rowHits', 'rowMisses', 'rowConflicts', 'rowHitRate', 'activates', 'precharges', 'refreshes',
  'turnarounds', 'meanLatencyNs', 'maxLatencyNs', 'wallSeconds',
];

describe('skipsim dram-bench', () => {
  it('--json prints the documented fields; sequential DDR4 reaches > 90% of peak', async () => {
    const io = capture();
    expect(await main(['dram-bench', '--dram', 'ddr4-3200', '--pattern', 'sequential', '--bytes', '256KiB', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    expect(Object.keys(r)).toEqual(FIELDS);
    expect(r).toMatchObject({ dram: 'ddr4-3200', pattern: 'sequential', bytes: 262_144, reads: 4096, writes: 0, peakGBps: 25.6 });
    expect(r.percentOfPeak).toBeGreaterThan(90);
    expect(r.bandwidthGBps).toBeLessThanOrEqual(r.peakGBps);
    expect(r.rowHits + r.rowMisses + r.rowConflicts).toBe(4096);
  });

  it('random and mixed on LPDDR4; random falls far below sequential', async () => {
    const bw: Record<string, number> = {};
    for (const pattern of ['sequential', 'random', 'mixed']) {
      const io = capture();
      expect(await main(['dram-bench', '--dram', 'lpddr4-3200', '--pattern', pattern, '--bytes', '98304', '--json'], io)).toBe(0);
      const r = JSON.parse(io.stdout[0]!);
      bw[pattern] = r.bandwidthGBps;
      if (pattern === 'mixed') expect([r.reads, r.writes]).toEqual([1024, 512]);
      expect(r.bandwidthGBps).toBeLessThanOrEqual(12.8);
    }
    expect(bw.random!).toBeLessThan(bw.sequential! / 2);
    expect(bw.mixed!).toBeLessThan(bw.sequential!);
  });

  it('prints a readable report without --json, timing on stderr', async () => {
    const io = capture();
    expect(await main(['dram-bench', '--pattern', 'random', '--bytes', '64KiB', '--seed', 's1'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^dram-bench ddr4-3200 random \(mapping row:bank:column:bankgroup\)/);
    expect(text).toMatch(/bandwidth +\d+\.\d\d GB\/s = \d+\.\d% of peak 25\.60 GB\/s/);
    expect(text).toMatch(/row buffer +\d+ hits, \d+ misses, \d+ conflicts/);
    expect(text).toMatch(/latency +mean \d+\.\d ns/);
    expect(io.stderr.join('\n')).toMatch(/simulated in/);
  });

  it('a bad option exits 2 and names the option', async () => {
    for (const [args, re] of [
      [['--dram', 'ddr5-4800'], /option '--dram <name>' argument 'ddr5-4800' is invalid\. expected one of ddr4-3200, lpddr4-3200/],
      [['--pattern', 'strided'], /option '--pattern <p>' argument 'strided' is invalid\. expected one of sequential, random, mixed/],
      [['--bytes', '-5'], /option '--bytes <n>' argument '-5' is invalid/],
      [['--queue', '0'], /option '--queue <n>' argument '0' is invalid/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
    ] as const) {
      const io = capture();
      expect(await main(['dram-bench', ...args], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(re);
      expect(io.stdout).toEqual([]);
    }
  });

  it('a bad mapping is a run-time error (exit 1) naming the field', async () => {
    const io = capture();
    expect(await main(['dram-bench', '--mapping', 'row:bank:column', '--bytes', '4096'], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/mapping: field 'bankgroup' is missing/);
  });

  it('byteCount accepts plain, binary and decimal sizes', () => {
    expect(byteCount('1048576')).toBe(1 << 20);
    expect(byteCount('64KiB')).toBe(65_536);
    expect(byteCount('1MiB')).toBe(1 << 20);
    expect(byteCount('2MB')).toBe(2e6);
    expect(() => byteCount('0')).toThrow(/expected a positive byte count/);
    expect(() => byteCount('1.5MiB')).toThrow(/got '1\.5MiB'/);
  });
});
