import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-sweep-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The documented CSV columns (docs/fifo-sizing.md), in order. */
const COLUMNS = [
  'block', 'W', 'H', 'C', 'folding', 'method', 'deadlockFreeDepth', 'fullThroughputDepth', 'maxOccupancyUnbounded',
  'analyticDepth', 'sizedDepth', 'wordBits', 'totalBits', 'bytes', 'bram18', 'bram36', 'uram', 'cheapest', 'tensorBits', 'seconds',
];

function readCsv(file: string): Record<string, string>[] {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = head!.split(',');
  expect(cols).toEqual(COLUMNS);
  return lines.map((l) => {
    const cells = l.split(','); // no cell of these rows holds a comma
    expect(cells).toHaveLength(cols.length);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]!]));
  });
}

const WIDTHS = [4, 6, 8, 12];
const BLOCKS = ['basic', 'bottleneck', 'downsample'];

describe('skipsim sweep', () => {
  const out = path.join(tmp, 'small');
  let rows: Record<string, string>[] = [];

  it('sizes every point by simulation and writes the CSV, the JSON rows and two plots', async () => {
    const io = capture();
    const argv = ['sweep', '--block', BLOCKS.join(','), '--width', WIDTHS.join(','), '--channels', '16', '--simd', '8', '--pe', '8', '--frames', '1', '--out', out, '--json'];
    expect(await main(argv, io)).toBe(0);
    expect(io.stderr).toEqual([]); // --json: no progress, no notes
    const printed = JSON.parse(io.stdout.join('\n'));
    rows = readCsv(path.join(out, 'sweep-points.csv'));
    expect(rows).toHaveLength(BLOCKS.length * WIDTHS.length);
    expect(printed.rows).toHaveLength(rows.length);
    for (const r of rows) {
      expect(r.method).toBe('simulation');
      expect(r.W).toBe(r.H);
      expect(r.folding).toBe('simd8/pe8');
      // The formula is derived without the simulation; the tool reports both, and they agree.
      expect(r.analyticDepth).toBe(r.deadlockFreeDepth);
      expect(Number(r.fullThroughputDepth)).toBeGreaterThanOrEqual(Number(r.deadlockFreeDepth));
      expect(Number(r.maxOccupancyUnbounded) + 1).toBeGreaterThanOrEqual(Number(r.fullThroughputDepth));
      expect(Number(r.totalBits)).toBe(Number(r.wordBits) * Number(r.fullThroughputDepth));
      expect(Number(r.bytes)).toBe(Math.ceil(Number(r.totalBits) / 8));
    }
    const json = JSON.parse(fs.readFileSync(path.join(out, 'sweep-points.json'), 'utf8'));
    expect(json.map((r: { formula: string }) => r.formula)).toEqual(printed.rows.map((r: { formula: string }) => r.formula));
  }, 60_000);

  it.each(BLOCKS)('the %s block needs a deeper FIFO for a wider image (depths grow strictly with W)', (block) => {
    const mine = rows.filter((r) => r.block === block).sort((a, b) => Number(a.W) - Number(b.W));
    expect(mine.map((r) => Number(r.W))).toEqual(WIDTHS);
    for (const col of ['deadlockFreeDepth', 'fullThroughputDepth', 'totalBits', 'tensorBits']) {
      const v = mine.map((r) => Number(r[col]));
      for (let i = 1; i < v.length; i++) expect(v[i], `${block} ${col} at W=${mine[i]!.W} vs W=${mine[i - 1]!.W}`).toBeGreaterThan(v[i - 1]!);
    }
  });

  it('draws the two plots with their axis titles', () => {
    const depth = fs.readFileSync(path.join(out, 'sweep-depth-vs-width.svg'), 'utf8');
    const bits = fs.readFileSync(path.join(out, 'sweep-bits-vs-resolution.svg'), 'utf8');
    for (const svg of [depth, bits]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('>input width W = height (pixels)</text>');
      for (const b of BLOCKS) expect(svg).toContain(`>${b}</text>`);
    }
    expect(depth).toContain('>skip FIFO depth (words of the skip stream)</text>');
    expect(depth).toContain('>max occupancy, unbounded FIFO (FINN/hls4ml)</text>');
    expect(bits).toContain('>skip FIFO size in bits (log scale)</text>');
    expect(bits).toContain('>whole tensor (hls4ml default depth H*W)</text>');
  });

  it('sizes long points by the formula alone, says so, and marks them in the CSV', async () => {
    const io = capture();
    const dir = path.join(tmp, 'analytic');
    // basic, W=8, C=16, 8/8 lanes: 64 pixels x 36 cycles = 2,304 cycles per run; W=64 is far above the limit.
    const argv = ['sweep', '--block', 'basic', '--width', '8,64', '--channels', '16', '--frames', '1', '--max-sim-cycles', '5000', '--out', dir];
    expect(await main(argv, io)).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/1 of 2 points sized by the formula alone \(their runs are estimated above --max-sim-cycles 5,000 cycles\)/);
    const [small, big] = readCsv(path.join(dir, 'sweep-points.csv'));
    expect(small).toMatchObject({ W: '8', method: 'simulation', deadlockFreeDepth: '38', analyticDepth: '38' });
    expect(big).toMatchObject({ W: '64', method: 'analytic', deadlockFreeDepth: '', fullThroughputDepth: '', maxOccupancyUnbounded: '', analyticDepth: String((2 * 64 + 3) * 2) });
    expect(Number(big!.totalBits)).toBe(64 * (2 * 64 + 3) * 2);
    expect(io.stdout.join('\n')).toMatch(/^basic\s+64\s+16\s+simd8\/pe8\s+analytic\s+-\s+-\s+-\s+262\b/m);
  }, 30_000);

  it.each([
    [['--width', '8,x'], /option '--width <list>' argument '8,x' is invalid\. expected a comma-separated list of integers >= 3/],
    [['--block', 'basic,resnet'], /option '--block <list>' argument 'basic,resnet' is invalid\. expected a comma-separated list of basic, bottleneck, downsample, got 'resnet'/],
    [['--channels', '0'], /option '--channels <list>' argument '0' is invalid\. expected a comma-separated list of integers >= 1/],
    [['--bits', '64'], /option '--bits <B>' argument '64' is invalid\. expected an integer in 2\.\.32/],
    [['--max-sim-cycles', '-1'], /option '--max-sim-cycles <n>' argument '-1' is invalid/],
    [['--channels', '16', '--simd', '8', '--pe', '3'], /options '--simd' and '--pe': conv1\.pe \(3\) feeds conv2\.simd \(8\).*\(at the point basic W=8 C=16 simd8\/pe3\)/],
  ])('rejects bad options (%j) with exit code 2 and a message naming the option', async (bad, message) => {
    const io = capture();
    expect(await main(['sweep', '--block', 'basic', '--width', '8', '--out', path.join(tmp, 'bad'), ...bad], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
  });
});
