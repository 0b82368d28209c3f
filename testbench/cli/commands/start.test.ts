import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyOf, parseVcdFile } from '../../../waves/vcd-reader.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import type { StartResult } from './start.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-start-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('skipsim start (the npm start job), on a small block', () => {
  const out = path.join(tmp, 'start');
  const io = capture();
  let code = -1;
  let report: StartResult;

  it('sizes, runs at the sized depth (bit-exact in data mode) and one below (deadlock), and prints the folder', async () => {
    code = await main(['start', '--out', out, '--width', '6', '--channels', '16', '--simd', '8', '--pe', '8', '--frames', '1', '--mode', 'data'], io);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(io.stdout.at(-1)).toMatch(new RegExp(`output folder: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(text).toMatch(/basic block 6x6x16, SIMD 8 \/ PE 8 on both convs, 1 frame\(s\), data mode/);
    expect(text).toMatch(/run at depth 30 \(deadlock-free\): completed in [\d,]+ cycles .*bit-exact against the reference/);
    expect(text).toMatch(/run at depth 29 \(one below\): deadlock at cycle \d+: fork blocked: skip FIFO full \(29\/29\) -> adder waiting for main path/);
    expect(text).toMatch(/culprit: skip FIFO \(top\.block\.skip_fifo\) is full \(29\/29\)/);
  }, 60_000);

  it('writes the report, whose numbers agree with each other and with the formula', () => {
    for (const f of ['sizing.json', 'sizing.txt', 'scenario.yaml', 'sized.vcd', 'sized.gtkw', 'deadlock.vcd', 'deadlock.gtkw']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    report = JSON.parse(fs.readFileSync(path.join(out, 'sizing.json'), 'utf8')) as StartResult;
    const f = report.sizing.fifos[0]!;
    expect(f.analyticDepth).toBe((2 * 6 + 3) * 2); // (2W+3) pixels x ceil(16/8) words
    expect(f.deadlockFreeDepth).toBe(f.analyticDepth);
    expect(report.sized).toMatchObject({ depth: f.deadlockFreeDepth, completed: true, bitExact: true, checksPassed: true, deadlock: null });
    expect(report.sized.cycles).toBe(f.cycles.atDeadlockFreeDepth);
    expect(report.belowSized).toMatchObject({ depth: f.deadlockFreeDepth - 1, completed: false });
    expect(report.belowSized.deadlock!.message).toMatch(/skip FIFO full \(29\/29\)/);
    const table = fs.readFileSync(path.join(out, 'sizing.txt'), 'utf8');
    expect(table).toMatch(/deadlock-free depth\s+30\b/);
    expect(table).toMatch(/run at depth 29 \(one below\): deadlock at cycle/);
  });

  it('the deadlocking run opens on the deadlock marker, with the FIFO full in the VCD', async () => {
    const gtkw = fs.readFileSync(path.join(out, 'deadlock.gtkw'), 'utf8');
    const marker = /^\*[-\d.]+ (\d+) /m.exec(gtkw);
    expect(Number(marker![1])).toBe(report.belowSized.deadlock!.time);
    expect(gtkw).toContain('top.block.skip_fifo.occupancy');
    const vcd = await parseVcdFile(path.join(out, 'deadlock.vcd'));
    const occ = historyOf(vcd, 'top.block.skip_fifo.occupancy');
    expect(parseInt(occ.at(-1)![1], 2)).toBe(29); // full when it stopped
    expect(historyOf(vcd, 'top.watchdog.deadlock').at(-1)).toEqual([report.belowSized.deadlock!.time, '1']);
    // The completed run never raises the deadlock flag.
    const ok = await parseVcdFile(path.join(out, 'sized.vcd'));
    expect(historyOf(ok, 'top.watchdog.deadlock').every(([, v]) => v === '0')).toBe(true);
  });

  it('the scenario file reruns the case with skipsim run', async () => {
    const run = capture();
    expect(await main(['run', path.join(out, 'scenario.yaml'), '--mode', 'timing', '--json'], run)).toBe(0);
    expect(JSON.parse(run.stdout.join('\n'))).toMatchObject({ completed: true, cycles: report.sized.cycles, fifo: { depth: 30 } });
  }, 30_000);

  it.each([
    [['--simd', '3'], /options '--simd' and '--pe': conv1\.pe \(32\) feeds conv2\.simd \(3\)/],
    [['--width', '2'], /option '--width <W>' argument '2' is invalid\. expected an integer >= 3/],
    [['--mode', 'fast'], /option '--mode <m>' argument 'fast' is invalid\. expected one of timing, data/],
  ])('rejects bad options (%j) with exit code 2 and a message naming the option', async (bad, message) => {
    const e = capture();
    expect(await main(['start', '--out', path.join(tmp, 'bad'), ...bad], e)).toBe(2);
    expect(e.stderr.join('\n')).toMatch(message);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
  });
});
