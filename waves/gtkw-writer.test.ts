import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../sim/signal.ts';
import { gtkwPathFor, gtkwText, writeGtkw } from './gtkw-writer.ts';
import { fakeDesign, rootScope, tempDir } from './testing.ts';
import { VcdWriter } from './vcd-writer.ts';

function demo(timescale = '1ns') {
  const top = rootScope('top');
  const clk = top.signal('clk', 1);
  const failure = top.signal('failure', 1);
  const src = top.child('src');
  const valid = src.signal('valid', 1);
  const ready = src.signal('ready', 1);
  const data = src.signal('data', 8);
  const fifo = top.child('fifo');
  const occupancy = fifo.signal('occupancy', 5, { traceAs: 'integer' });
  const level = fifo.signal('level', 1, { kind: 'real' });
  fifo.port('in_valid', valid).port('clk', clk);
  const empty = top.child('only_ports');
  empty.port('clk', clk);
  return { design: fakeDesign([top], timescale, [clk]), clk, failure, valid, ready, data, occupancy, level };
}

describe('gtkw writer (checklist item 36)', () => {
  it('writes bare names, clocks first, a group per module, vectors with [msb:lsb], integers and reals as analog', () => {
    const { design } = demo();
    const text = gtkwText(design, { dumpfile: '/some/where/run.vcd' });
    expect(text).toBe(
      [
        '[*] skipsim trace view',
        '[dumpfile] "run.vcd"',
        '[savefile] "run.gtkw"',
        '[timestart] 0',
        '[treeopen] top.',
        '@28', 'top.clk',
        '@800200', '-top', '@28', 'top.failure', '@1000200', '-top',
        '@800200', '-top.src', '@28', 'top.src.valid', '@28', 'top.src.ready', '@22', 'top.src.data[7:0]', '@1000200', '-top.src',
        '@800200', '-top.fifo', '@8024', 'top.fifo.occupancy', '@20000', '-', '@48020', 'top.fifo.level', '@20000', '-', '@1000200', '-top.fifo',
        '',
      ].join('\n'),
    );
  });

  it('puts the primary and named markers (scaled to the dump unit) and a zoom that shows the marker', () => {
    const { design } = demo('10ns');
    const text = gtkwText(design, { dumpfile: 'run.vcd', marker: 80, namedMarkers: [50, 60] });
    const star = text.split('\n').find((l) => l.startsWith('*'))!;
    const [zoom, primary, a, b, ...rest] = star.slice(1).split(' ');
    expect([primary, a, b]).toEqual(['800', '500', '600']);
    expect(rest).toHaveLength(24);
    expect(new Set(rest)).toEqual(new Set(['-1']));
    // span 100 units = 1000 ns into 3 frames of 200 px: 2^-Z = 333 ns per frame
    expect(Number(zoom)).toBeCloseTo(-Math.log2(1000 / 3), 5);
    expect(text).toContain('[timestart] 50\n');
    expect(() => gtkwText(design, { dumpfile: 'x.vcd', namedMarkers: Array(27).fill(1) })).toThrow(/at most 26/);
    expect(() => gtkwText(design, { dumpfile: 'x.vcd', marker: -5 })).toThrow(/marker/);
  });

  it('honours maxSignals and the scope filter, and names only what the VCD declares', () => {
    const { design } = demo();
    const text = gtkwText(design, { dumpfile: 'run.vcd', maxSignals: 3 });
    const traces = text.split('\n').filter((l) => /^top\./.test(l));
    expect(traces).toEqual(['top.clk', 'top.failure', 'top.src.valid']);
    expect(text).toContain('[*] 4 more signal(s) not listed (maxSignals 3)');
    // groups stay balanced when cut
    expect(text.match(/@800200/g)!.length).toBe(text.match(/@1000200/g)!.length);
    const filtered = gtkwText(design, { dumpfile: 'run.vcd', scopes: ['top.fifo'] });
    // the clock is traced through its port alias in top.fifo, so that is where the save file points
    expect(filtered.split('\n').filter((l) => /^top\./.test(l))).toEqual(['top.fifo.clk', 'top.fifo.occupancy', 'top.fifo.level']);
  });

  it('writes beside the dump, with a relative dumpfile when the save file lives elsewhere', () => {
    const dir = tempDir();
    const { design } = demo();
    const vcd = path.join(dir, 'run.vcd.gz');
    const file = writeGtkw(design, { dumpfile: vcd });
    expect(file).toBe(path.join(dir, 'run.gtkw'));
    expect(gtkwPathFor('a/b.vcd')).toBe('a/b.gtkw');
    expect(fs.readFileSync(file, 'latin1')).toContain('[dumpfile] "run.vcd.gz"\n[savefile] "run.gtkw"\n');
    fs.mkdirSync(path.join(dir, 'views'));
    const other = writeGtkw(design, { dumpfile: vcd, savefile: path.join(dir, 'views', 'v.gtkw') });
    expect(fs.readFileSync(other, 'latin1')).toContain('[dumpfile] "../run.vcd.gz"\n');
    fs.rmSync(dir, { recursive: true });
  });

  it('GTKWave loads the pair and shows the traces with the flags and markers we wrote (needs gtkwave + xvfb-run)', async () => {
    const dir = tempDir();
    const { design, clk, failure, valid, ready, data, occupancy, level } = demo();
    const vcd = path.join(dir, 'run.vcd');
    const w = new VcdWriter({ path: vcd, date: 'd' });
    w.open(design);
    for (let c = 0; c < 100; c++) {
      clk.value = 1;
      valid.value = c % 3 ? 1 : 0;
      ready.value = c % 5 ? 1 : 0;
      data.value = c;
      occupancy.value = (c * 7) % 17;
      level.value = Math.sin(c / 10);
      const changed: Signal<any>[] = [clk, valid, ready, data, occupancy, level];
      if (c === 80) {
        failure.value = 1;
        changed.push(failure);
      }
      w.step(c * 10, changed);
      clk.value = 0;
      w.step(c * 10 + 5, [clk]);
    }
    await w.close(1000);
    const save = writeGtkw(design, { dumpfile: vcd, marker: 800, namedMarkers: [500], layout: w.declared! });
    const tcl = path.join(dir, 'probe.tcl');
    fs.writeFileSync(
      tcl,
      [
        'puts "CHK marker=[gtkwave::getMarker] named=[gtkwave::getNamedMarker A] start=[gtkwave::getWindowStartTime] numfacs=[gtkwave::getNumFacs]"',
        'for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} { puts "CHK trace [gtkwave::getTraceNameFromIndex $i] [format %x [gtkwave::getTraceFlagsFromIndex $i]]" }',
        'puts "CHK displayed=[gtkwave::getDisplayedSignals]"',
        'flush stdout',
        'gtkwave::/File/Quit',
      ].join('\n'),
    );
    // run from another folder: the bare names must still find the dump
    const r = spawnSync('xvfb-run', ['-a', 'gtkwave', '-S', tcl, save], { cwd: '/', encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir } });
    const out = r.stdout + r.stderr;
    const chk = out.split('\n').filter((l) => l.startsWith('CHK '));
    // GTKWave clamps the window start when the zoomed span reaches past the end of the dump
    expect(chk[0], out).toMatch(/^CHK marker=800 named=500 start=(0|50) numfacs=10$/);
    expect(chk.slice(1, -1)).toEqual([
      'CHK trace clk 28',
      'CHK trace top 800200',
      'CHK trace failure 28',
      'CHK trace top 1000200',
      'CHK trace top.src 800200',
      'CHK trace valid 28',
      'CHK trace ready 28',
      'CHK trace data[7:0] 22',
      'CHK trace top.src 1000200',
      'CHK trace top.fifo 800200',
      'CHK trace occupancy 8024',
      'CHK trace  20000',
      'CHK trace level 48020',
      'CHK trace  20000',
      'CHK trace top.fifo 1000200',
    ]);
    expect(chk[chk.length - 1]!.trim()).toBe('CHK displayed=top.clk top.failure top.src.valid top.src.ready top.src.data[7:0] top.fifo.occupancy top.fifo.level');
    fs.rmSync(dir, { recursive: true });
  });
});
