/** VcdWriter: a file is complete however the run ends, and memory stays flat however long it is (item 32). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SimError } from '../sim/errors.ts';
import type { Signal } from '../sim/signal.ts';
import { fakeDesign, MemoryWritable, rootScope, tempDir } from './testing.ts';
import { historyOf, parseVcd, parseVcdFile, readVcdFile } from './vcd-reader.ts';
import { bodyLines, demo, writeVcd } from './vcd-writer.fixtures.ts';
import { VcdWriter } from './vcd-writer.ts';

describe('VcdWriter: ending', () => {
  it('close(time, error) leaves a complete file with a one-line $comment before the final time', async () => {
    const { design, clk } = demo();
    const err = new SimError({ code: 'SKS-E006', message: 'deadlock: no progress for 1000 cycles', paths: ['top.core'], hint: 'grow the $end FIFO' });
    const text = await writeVcd(design, [[0, []], [5, [[clk, 1]]]], 40, {}, err);
    const body = bodyLines(text);
    expect(body.slice(-3)).toEqual([
      '$comment simulation ended with error at time 40: SimError: [SKS-E006] deadlock: no progress for 1000 cycles involved: top.core hint: grow the _$end FIFO $end',
      '#40',
      '',
    ]);
    const vcd = parseVcd(text);
    expect(vcd.comments).toEqual([{ time: 5, text: expect.stringContaining('simulation ended with error at time 40') }]);
    expect(vcd.endTime).toBe(40);
  });

  it('a step that throws on a bad value leaves lines intact, and close() still finishes the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'throws.vcd');
    const top = rootScope('top');
    const a = top.signal('a', 4);
    const b = top.signal('b', 4);
    const w = new VcdWriter({ path: file, date: 'd' });
    w.open(fakeDesign([top]));
    w.step(0, []);
    a.value = 3;
    b.value = 99; // out of range: the writer refuses it
    let thrown: unknown;
    try {
      w.step(1, [a, b]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SimError);
    await w.close(2, thrown as Error);
    const text = fs.readFileSync(file, 'latin1');
    expect(bodyLines(text)).toEqual([
      '#0', '$dumpvars', 'b0 !', 'b0 "', '$end', '#1', 'b11 !',
      expect.stringMatching(/^\$comment simulation ended with error at time 2: SimError: \[SKS-E004\] VcdWriter: signal top\.b .* \$end$/),
      '#2', '',
    ]);
    await w.close(3); // idempotent
    expect(() => w.step(5, [])).toThrow(/after close/);
    fs.rmSync(dir, { recursive: true });
  });

  it('an invalid value in the final $dumpvars is written as x, the file completed, then the error thrown', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'late.vcd');
    const top = rootScope('top');
    const a = top.signal('a', 4);
    const w = new VcdWriter({ path: file, date: 'd', window: { start: 10 } });
    w.open(fakeDesign([top]));
    w.step(0, []);
    a.value = 77;
    w.step(5, [a]); // before the window: only remembered
    await expect(w.close(12)).rejects.toThrow(/signal top\.a/);
    const vcd = parseVcd(fs.readFileSync(file, 'latin1'));
    expect(historyOf(vcd, 'top.a')).toEqual([[10, 'xxxx']]);
    expect(vcd.endTime).toBe(12);
    fs.rmSync(dir, { recursive: true });
  });

  it('misuse: step before open, open twice, options without an output', () => {
    const top = rootScope('top');
    top.signal('a', 1);
    const w = new VcdWriter({ stream: new MemoryWritable() });
    expect(() => w.step(0, [])).toThrow(/before open/);
    w.open(fakeDesign([top]));
    expect(() => w.open(fakeDesign([top]))).toThrow(/twice/);
    expect(() => new VcdWriter({})).toThrow(/exactly one of `path`/);
    expect(() => new VcdWriter({ path: 'a', stream: new MemoryWritable() })).toThrow(/exactly one/);
    expect(() => new VcdWriter({ path: 'a', window: { start: 5, end: 5 } })).toThrow(/window/);
    expect(() => new VcdWriter({ path: 'a', window: { start: -1 } })).toThrow(/window\.start/);
  });

  it('a design that fails to lay out creates no file, and close() is then a no-op', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'never.vcd');
    const top = rootScope('top');
    top.signal('x.y', 1);
    top.signal('x_y', 1);
    const w = new VcdWriter({ path: file });
    expect(() => w.open(fakeDesign([top]))).toThrow(/collision/);
    await w.close(0);
    expect(fs.existsSync(file)).toBe(false);
    // an output that cannot be opened fails open() and leaves the writer unusable, not half-set-up
    const bad = new VcdWriter({ path: path.join(dir, 'missing', 'x.vcd') });
    const ok = rootScope('top');
    ok.signal('a', 1);
    expect(() => bad.open(fakeDesign([ok]))).toThrow(/ENOENT/);
    expect(() => bad.open(fakeDesign([ok]))).toThrow(/twice/);
    await bad.close(0);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('VcdWriter: streaming (item 32)', () => {
  function busyDesign(n: number) {
    const top = rootScope('top');
    const sigs: Signal<any>[] = [];
    for (let i = 0; i < n; i++) {
      const width = 1 + ((i * 7) % 64);
      sigs.push(top.signal<any>(`s${i}`, width, width > 32 ? { kind: 'wide' } : {}));
    }
    return { design: fakeDesign([top]), sigs };
  }
  function next(s: Signal<any>, t: number): unknown {
    if (s.kind === 'wide') return (BigInt(t) * 0x9e3779b97f4a7c15n) & ((1n << BigInt(s.width)) - 1n);
    return ((t * 2654435761) >>> 0) % 2 ** Math.min(s.width, 31);
  }

  it('the encode buffer does not grow over a long run and every flush is bounded', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'long.vcd');
    const { design, sigs } = busyDesign(50);
    const w = new VcdWriter({ path: file, date: 'd' });
    w.open(design);
    const cap = w.stats.bufferCapacity;
    expect(cap).toBeLessThan(65536 + 1024);
    for (let t = 0; t < 20_000; t++) {
      for (const s of sigs) s.value = next(s, t);
      w.step(t, sigs);
      if (t % 10_000 === 0) expect(w.stats.bufferCapacity).toBe(cap);
    }
    await w.close(20_000);
    const st = w.stats;
    expect(st.bufferCapacity).toBe(cap);
    expect(st.peakBuffered).toBeLessThanOrEqual(cap);
    expect(st.bytesWritten).toBeGreaterThan(20 * cap); // far more data than ever buffered
    expect(st.flushes).toBeGreaterThan(20);
    expect(fs.statSync(file).size).toBe(st.bytesWritten);
    const summary = await readVcdFile(file);
    expect(summary.endTime).toBe(20_000);
    fs.rmSync(dir, { recursive: true });
  });

  it('a very wide signal still fits: the buffer is sized by the longest line', async () => {
    const top = rootScope('top');
    const huge = top.signal<bigint>('huge', 100_000, { kind: 'wide' });
    const v = (1n << 99_999n) | 1n;
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[huge, v]]]], 1, { flushBytes: 256 });
    expect(historyOf(parseVcd(text), 'top.huge')[1]![1]).toBe('1' + '0'.repeat(99_998) + '1');
  });

  it('gzip output is a valid (multi-member) gzip of the same VCD', async () => {
    const dir = tempDir();
    const plain = path.join(dir, 'a.vcd');
    const gz = path.join(dir, 'a.vcd.gz');
    for (const [file, gzip] of [[plain, false], [gz, true]] as const) {
      const { design, sigs } = busyDesign(20);
      const w = new VcdWriter({ path: file, date: 'd', gzip });
      w.open(design);
      for (let t = 0; t < 5000; t++) {
        for (const s of sigs) s.value = next(s, t);
        w.step(t, sigs);
      }
      await w.close(5000);
    }
    const unz = zlib.gunzipSync(fs.readFileSync(gz));
    expect(unz.equals(fs.readFileSync(plain))).toBe(true);
    expect(fs.statSync(gz).size).toBeLessThan(fs.statSync(plain).size / 3);
    expect((await parseVcdFile(gz)).endTime).toBe(5000);
    fs.rmSync(dir, { recursive: true });
  });

  it('a slow Writable gets every byte; close() waits for it and drained() reports backpressure', async () => {
    const { design, sigs } = busyDesign(30);
    const out = new MemoryWritable({ highWaterMark: 1024, delayMs: 1 });
    const w = new VcdWriter({ stream: out, date: 'd', flushBytes: 4096 });
    w.open(design);
    let sawPending = false;
    for (let t = 0; t < 3000; t++) {
      for (const s of sigs) s.value = next(s, t);
      w.step(t, sigs);
      if (w.stats.pendingBytes > 0) sawPending = true;
      if (t % 500 === 0) await w.drained();
    }
    await w.close(3000);
    expect(sawPending).toBe(true);
    expect(out.buffer.length).toBe(w.stats.bytesWritten);
    expect(out.writableFinished).toBe(true);
    expect(parseVcd(out.text).endTime).toBe(3000);
  });

  it('endStream: false leaves the stream open', async () => {
    const top = rootScope('top');
    top.signal('a', 1);
    const out = new MemoryWritable();
    const w = new VcdWriter({ stream: out, endStream: false });
    w.open(fakeDesign([top]));
    await w.close(1);
    expect(out.writableEnded).toBe(false);
    expect(parseVcd(out.text).endTime).toBe(1);
  });
});
