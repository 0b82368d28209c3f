import { describe, expect, it } from 'vitest';
import { fakeDesign, MemoryWritable, rootScope } from './testing.ts';
import { parseVcd } from './vcd-reader.ts';
import { VcdWriter } from './vcd-writer.ts';
import { renderWaveJsonSvg, tracksFromVcd, waveJsonFromCycles, waveJsonFromHistory } from './wavejson.ts';

describe('WaveJSON', () => {
  it('samples histories once per cycle: bits, buses with labels, x before the first value, dots for no change', () => {
    const wave = waveJsonFromHistory(
      [
        { name: 'clk', changes: [[0, '1'], [5, '0']], clock: true },
        { name: 'valid', changes: [[0, '0'], [10, '1'], [30, '0']] },
        { name: 'data', changes: [[10, '00000101'], [20, '00000101'], [30, '1111xxxx'], [40, '11111111']] },
        { name: 'late', changes: [[25, '1']] },
        { name: 'level', changes: [[0, '0.5'], [20, 'nan']] },
      ],
      { start: 0, period: 10, cycles: 5, title: 'handshake' },
    );
    expect(wave).toEqual({
      signal: [
        { name: 'clk', wave: 'p....' },
        { name: 'valid', wave: '01.0.' },
        { name: 'data', wave: 'x=.x=', data: ['5', 'ff'] },
        { name: 'late', wave: 'x..1.' },
        { name: 'level', wave: '=.=..', data: ['0.5', 'nan'] },
      ],
      head: { text: 'handshake' },
    });
  });

  it('sampling offset and label formats', () => {
    const t = { name: 'v', changes: [[0, '0000'], [10, '1010']] as [number, string][] };
    expect(waveJsonFromHistory([{ ...t, format: 'dec' }], { start: 0, period: 10, cycles: 2, offset: 9 }).signal).toEqual([{ name: 'v', wave: '==', data: ['0', '10'] }]);
    expect(waveJsonFromHistory([{ ...t, format: 'bin' }], { start: 0, period: 10, cycles: 2 }).signal).toEqual([{ name: 'v', wave: '==', data: ['0000', '1010'] }]);
    expect(() => waveJsonFromHistory([t], { start: 0, period: 0, cycles: 2 })).toThrow(/period/);
  });

  it('builds from per-cycle values', () => {
    const wave = waveJsonFromCycles(
      [
        { name: 'clk', values: [0, 0, 0, 0], clock: true },
        { name: 'ready', width: 1, values: [1, 1, 0, null] },
        { name: 'occupancy', values: [0, 1, 1, 12n], format: 'dec' },
        { name: 'state', values: ['IDLE', 'IDLE', 'BUSY', 'BUSY'] },
      ],
      { hscale: 2 },
    );
    expect(wave).toEqual({
      signal: [
        { name: 'clk', wave: 'p...' },
        { name: 'ready', wave: '1.0x' },
        { name: 'occupancy', wave: '==.=', data: ['0', '1', '12'] },
        { name: 'state', wave: '=.=.', data: ['IDLE', 'BUSY'] },
      ],
      config: { hscale: 2 },
    });
    expect(() => waveJsonFromCycles([{ name: 'b', width: 1, values: [2] }])).toThrow(/b: 1-bit value must be 0 or 1/);
  });

  it('goes from our own VCD to an SVG with wavedrom, headless', async () => {
    const top = rootScope('top');
    const clk = top.signal('clk', 1);
    const valid = top.signal('valid', 1);
    const data = top.signal('data', 8);
    const out = new MemoryWritable();
    const w = new VcdWriter({ stream: out, date: 'd' });
    w.open(fakeDesign([top], '1ns', [clk]));
    for (let c = 0; c < 8; c++) {
      clk.value = 1;
      valid.value = c % 2;
      data.value = c * 3;
      w.step(c * 10, [clk, valid, data]);
      clk.value = 0;
      w.step(c * 10 + 5, [clk]);
    }
    await w.close(80);
    const vcd = parseVcd(out.text);
    const tracks = tracksFromVcd(vcd, ['top.clk', 'top.valid', 'top.data'], { clocks: ['top.clk'] });
    const wave = waveJsonFromHistory(tracks, { start: 0, period: 10, cycles: 8 });
    expect(wave.signal[2]).toEqual({ name: 'data', wave: '========', data: ['0', '3', '6', '9', 'c', 'f', '12', '15'] });
    const before = JSON.stringify(wave);
    const svg = renderWaveJsonSvg(wave);
    expect(JSON.stringify(wave)).toBe(before);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toContain('>valid<');
    expect(svg).toContain('>12<');
  });
});
