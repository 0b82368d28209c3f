import { describe, expect, it } from 'vitest';
import { macArrayCycles } from '../../../hw/mac-array/formula.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const LAYER = ['--ifmap', '10x9x3', '--filter', '3x3x6', '--stride', '2', '--padding', '1'];

describe('skipsim mac-array', () => {
  it('prints the simulated report as JSON with the documented fields, equal to the formula', async () => {
    const io = capture();
    expect(await main(['mac-array', '--rows', '4', '--cols', '3', '--dataflow', 'os', ...LAYER, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    const expected = macArrayCycles({ rows: 4, cols: 3, dataflow: 'os' }, { kind: 'conv', h: 10, w: 9, c: 3, kh: 3, kw: 3, filters: 6, stride: 2, pad: 1 });
    expect(r).toEqual({
      mode: 'timing',
      layer: { ifmap: { h: 10, w: 9, c: 3 }, filter: { r: 3, s: 3, k: 6 }, stride: 2, padding: 1 },
      ...expected,
    });
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(['cycles', 'macs', 'utilisation', 'folds', 'foldGrid', 'phases', 'sramReads', 'sramWrites', 'sramReadBytes', 'sramWriteBytes']),
    );
  });

  it('data mode checks the PE grid against conv2d', async () => {
    const io = capture();
    expect(await main(['mac-array', '--rows', '3', '--cols', '2', '--mode', 'data', '--seed', '9', ...LAYER, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    expect(r.verified).toBe(true);
    expect(r.cycles).toBe(macArrayCycles({ rows: 3, cols: 2, dataflow: 'ws' }, { kind: 'conv', h: 10, w: 9, c: 3, kh: 3, kw: 3, filters: 6, stride: 2, pad: 1 }).cycles);
    expect(io.stderr.join('\n')).toMatch(/output matches conv2d/);
  });

  it('prints a readable table without --json', async () => {
    const io = capture();
    expect(await main(['mac-array', '--ifmap', '56x56x64', '--filter', '3x3x64', '--padding', '1'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/mac-array 16x16 ws, timing: conv 56x56x64 \* 3x3x64 stride 1 padding 1/);
    expect(text).toMatch(/compute cycles\s+458,208/);
    expect(text).toMatch(/utilisation\s+98\.55 %/);
    expect(text).toMatch(/folds\s+144 \(m 1 x k 36 x n 4\)/);
    expect(text).toMatch(/psum \(int32\)\s+7,024,640\s+7,024,640/);
  });

  it.each([
    [['--rows', '0'], /option '--rows <n>' argument '0' is invalid\. expected an integer in 1\.\.1024/],
    [['--dataflow', 'rs'], /option '--dataflow <df>' argument 'rs' is invalid\. expected one of ws, os/],
    [['--filter', '3x3'], /option '--filter <RxSxK>' argument '3x3' is invalid\. expected RxSxK as 3 positive integers/],
    [['--filter', '3x11x4'], /option '--filter': a 3x11 kernel does not fit the 10x9 ifmap with --padding 0/],
    [['--stride', '-1'], /option '--stride <s>' argument '-1' is invalid\. expected an integer >= 1/],
  ])('rejects bad options (%j) with exit code 2 and a message naming the option', async (bad, message) => {
    const io = capture();
    const argv = ['mac-array', '--ifmap', '10x9x3', '--filter', '3x3x6', ...bad];
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
  });

  it('names a missing required option', async () => {
    const io = capture();
    expect(await main(['mac-array', '--filter', '3x3x6'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/required option '--ifmap <HxWxC>' not specified/);
  });
});
