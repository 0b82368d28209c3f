import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { historyOf, parseVcdFile } from '../../../waves/vcd-reader.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

const SMALL = ['--input-size', '64', '--width-divisor', '4'];

describe('skipsim npu', () => {
  it('prints the report as JSON with the documented fields', async () => {
    const io = capture();
    expect(await main(['npu', '--network', 'resnet18', '--sram-kib', '8', ...SMALL, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('\n'));
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining([
        'network', 'model', 'inputSize', 'policy', 'dram', 'sramBytes', 'npu', 'cycles', 'timeUs', 'macs', 'macUtilisation', 'bounds',
        'dramTraffic', 'sram', 'skips', 'skipSpillBytes', 'skipFillBytes', 'skipRereadBytes', 'adder', 'macIdle', 'vectorIdle', 'macWaitsAdderCycles',
        'macWaitsAdderShare', 'layers', 'wallSeconds',
      ]),
    );
    expect(r.network).toBe('resnet18');
    expect(r.sramBytes).toBe(8192);
    const causes = r.dramTraffic.byCause;
    expect(Object.keys(causes)).toEqual(['weights', 'input', 'output', 'skipSpill', 'skipFill', 'skipReread', 'tilingReread', 'weightReread']);
    expect(Object.values(causes as Record<string, number>).reduce((s, b) => s + b, 0)).toBe(r.dramTraffic.bytes);
    expect(r.skipSpillBytes).toBe(causes.skipSpill);
    expect(r.layers).toHaveLength(r.layers.length);
    expect(Object.keys(r.layers[0])).toEqual(expect.arrayContaining(['name', 'kind', 'ops', 'cycles', 'bands', 'dramBytes', 'dramByCause', 'intensity', 'analyticIntensity']));
    expect(io.stderr.join('\n')).toMatch(/simulated in \d+\.\d s/);
  });

  it('prints a readable table without --json', async () => {
    const io = capture();
    expect(await main(['npu', '--network', 'vgg', '--sram-kib', '16', ...SMALL], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^npu vgg11 64x64 \(channels \/ 4\), SRAM 16 KiB, ddr4-3200, policy auto/);
    for (const row of ['cycles', 'MACs', 'DRAM traffic', 'weights', 'skipSpill', 'tilingReread', 'SRAM', 'skip tensors', 'adder', 'MAC idle', 'MAC waits on adder']) {
      expect(text).toMatch(new RegExp(`^ +${row} +\\S`, 'm'));
    }
    expect(text).toMatch(/skip tensors +none \(a chain\)/);
    expect(text).toMatch(/^ {2}conv1 +conv /m);
  });

  it('--vcd records the controller and both SRAMs; the SRAM live bytes are the controller\'s one edge later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-npu-vcd-'));
    const vcdPath = path.join(dir, 'npu.vcd');
    const io = capture();
    expect(await main(['npu', '--network', 'resnet18', '--sram-kib', '8', ...SMALL, '--json', '--vcd', vcdPath], io)).toBe(0);
    const vcd = await parseVcdFile(vcdPath);
    const ctl = historyOf(vcd, 'npu.ctl.act_live_bytes');
    const sram = historyOf(vcd, 'npu.sram.live_bytes');
    const values = (h: [number, string][]) => h.map(([, v]) => parseInt(v.slice(1), 2));
    expect(values(ctl).length).toBeGreaterThan(10);
    expect(values(sram)).toEqual(values(ctl));
    // Every change shows up exactly one clock period later (the dump's first values are both at time 0).
    const lags = new Set(ctl.slice(1).map(([t], i) => sram[i + 1]![0] - t));
    expect(lags.size).toBe(1);
    expect([...lags][0]).toBeGreaterThan(0);
    expect(values(sram).at(-1)).toBe(0);
    expect(historyOf(vcd, 'npu.wsram.live_bytes').length).toBeGreaterThan(1);
  });

  it('--out writes the report and SVG plots; --sweep with --versus compares networks across SRAM sizes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-npu-cli-'));
    const io = capture();
    const argv = ['npu', '--network', 'resnet18', '--sram-kib', '16', ...SMALL, '--sweep', '8,16', '--versus', 'vgg', '--out', dir];
    expect(await main(argv, io)).toBe(0);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['npu-dram-by-cause-resnet18.svg', 'npu-dram-by-cause-vgg.svg', 'npu-report.json', 'npu-roofline-resnet18.svg', 'npu-sweep.json', 'npu-traffic-vs-sram.svg']);
    const sweep = JSON.parse(fs.readFileSync(path.join(dir, 'npu-sweep.json'), 'utf8'));
    expect(sweep.map((r: { network: string; sramBytes: number }) => `${r.network}@${r.sramBytes / 1024}`)).toEqual(['resnet18@8', 'resnet18@16', 'vgg@8', 'vgg@16']);
    const roof = fs.readFileSync(path.join(dir, 'npu-roofline-resnet18.svg'), 'utf8');
    expect(roof.startsWith('<svg')).toBe(true);
    expect(roof).toContain('per-layer roofline');
    expect(roof).toContain('policy stream');
    const traffic = fs.readFileSync(path.join(dir, 'npu-traffic-vs-sram.svg'), 'utf8');
    expect(traffic).toContain('resnet18: skips (spill + fill + re-read)');
    expect(traffic).toContain('vgg11: activations');
    expect(io.stdout.join('\n')).toMatch(/SRAM sweep:/);
  });

  it.each([
    [['--network', 'alexnet'], /option '--network <name>' argument 'alexnet' is invalid\. expected one of vgg, resnet18, resnet50-stage, plain18/],
    [['--sram-kib', '0'], /option '--sram-kib <n>' argument '0' is invalid\. expected an integer in 1\.\.4194304/],
    [['--dram', 'ddr5'], /option '--dram <name>' argument 'ddr5' is invalid\. expected one of ddr4-3200, lpddr4-3200/],
    [['--policy', 'lru'], /option '--policy <p>' argument 'lru' is invalid\. expected one of auto, stream/],
    [['--sweep', '64,x'], /option '--sweep <kib,...>' argument '64,x' is invalid\. expected SRAM sizes in KiB separated by commas/],
    [['--sweep', '64', '--versus', 'lenet'], /option '--versus <networks>' argument 'lenet' is invalid\. expected networks among vgg, resnet18/],
    [['--versus', 'vgg'], /option '--versus': needs --sweep/],
    [['--sram-kib', '1'], /option '--sram-kib': 1024 bytes of SRAM are too few to run layer '.+' of 'resnet18' even in one-row bands/],
    [['--network', 'vgg', '--input-size', '8'], /option '--input-size': .*input too small/],
    [['--width-divisor', '3'], /option '--width-divisor': resnet18: widthDivisor: expected a divisor of 64 channels, got 3/],
    [['--weight-buffer-kib', '3'], /option '--weight-buffer-kib': expected an even number of KiB \(two slots\), got 3/],
    [['--array', '32'], /option '--array <RxC>' argument '32' is invalid\. expected RxC as 2 positive integers/],
  ])('rejects bad options (%j) with exit code 2 and a message naming the option', async (bad, message) => {
    const io = capture();
    const argv = ['npu', '--network', 'resnet18', '--input-size', '64', '--width-divisor', '4', ...bad];
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
  });
});
