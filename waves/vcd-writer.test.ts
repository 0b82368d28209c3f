/**
 * VcdWriter against the writer-side items of the conformance checklist in
 * /work/shared/reference/vcd.md §5 (one `item N` test or more per item; the GTKWave oracle items 34/35 are
 * in vcd-writer.oracle.test.ts, the property items 18/19/27 also in vcd-writer.property.test.ts, ending a
 * file and streaming (item 32) in vcd-writer.streaming.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { SimError } from '../sim/errors.ts';
import type { Signal } from '../sim/signal.ts';
import { fakeDesign, MemoryWritable, rootScope } from './testing.ts';
import { historyOf, parseVcd } from './vcd-reader.ts';
import { bodyLines, demo, writeVcd, type Step } from './vcd-writer.fixtures.ts';
import { VcdWriter, type VcdWriterOptions } from './vcd-writer.ts';

describe('VcdWriter: checklist', () => {
  it('writes the reference shape of vcd.md §5', async () => {
    const top = rootScope('top');
    const clk = top.signal('clk', 1);
    const data = top.signal('data', 8);
    const temp = top.signal('temp', 1, { kind: 'real' });
    const core = top.child('core');
    const state = core.signal('state', 4);
    const text = await writeVcd(
      fakeDesign([top]),
      [
        [0, []],
        [5, [[clk, 1], [data, 5], [temp, 1.5], [state, 1]]],
        [10, [[clk, 0]]],
      ],
      10,
    );
    expect(text).toBe(
      [
        '$date 2026-01-01 $end',
        '$version skipsim $end',
        '$timescale 1ns $end',
        '$scope module top $end',
        '$var wire 1 ! clk $end',
        '$var wire 8 " data [7:0] $end',
        '$var real 64 # temp $end',
        '$scope module core $end',
        '$var wire 4 % state [3:0] $end',
        '$upscope $end',
        '$upscope $end',
        '$enddefinitions $end',
        '#0',
        '$dumpvars',
        '0!',
        'b0 "',
        'r0 #',
        'b0 %',
        '$end',
        '#5',
        '1!',
        'b101 "',
        'r1.5 #',
        'b1 %',
        '#10',
        '0!',
        '',
      ].join('\n'),
    );
  });

  it('item 1: every byte is \\n or printable ASCII, even from non-ASCII names, date and error text', async () => {
    const top = rootScope('t\u00f6p');
    const s = top.signal('caf\u00e9 sig', 1);
    const text = await writeVcd(fakeDesign([top]), [[0, [[s, 1]]]], 3, { date: 'It\u2019s\ttoday\n', comment: 'multi\nline \u00e9' }, new Error('fail\u00e9d\nhere'));
    const bytes = Buffer.from(text, 'latin1');
    for (const b of bytes) expect(b === 10 || (b >= 0x20 && b <= 0x7e), `byte ${b}`).toBe(true);
    expect(text).toContain('$date It s today $end\n');
    expect(text).toContain('$scope module t_p $end\n');
    expect(text).toContain('$var wire 1 ! caf__sig $end\n');
  });

  it('item 2: header order is $date, $version, $timescale, $comment, scopes, $enddefinitions', async () => {
    const { design, clk } = demo();
    const text = await writeVcd(design, [[0, [[clk, 1]]]], 0, { comment: 'golden run', version: 'skipsim 0.1' });
    const heads = text.split('\n').map((l) => l.split(' ')[0]);
    const order = ['$date', '$version', '$timescale', '$comment', '$scope'];
    expect(order.map((k) => heads.indexOf(k))).toEqual([0, 1, 2, 3, 4]);
    expect(heads.indexOf('$enddefinitions')).toBeGreaterThan(heads.lastIndexOf('$upscope'));
    expect(text).toContain('$version skipsim 0.1 $end\n$timescale 1ns $end\n$comment golden run $end\n');
  });

  it('item 3: exactly one legal $timescale, taken from the DesignView; anything else is refused', async () => {
    for (const [given, written] of [['1ps', '1ps'], ['10ns', '10ns'], ['100 us', '100us'], ['1s', '1s']]) {
      const top = rootScope('top');
      const s = top.signal('a', 1);
      const text = await writeVcd(fakeDesign([top], given), [[0, [[s, 1]]]], 0);
      expect(text.match(/\$timescale/g)).toHaveLength(1);
      expect(text).toContain(`$timescale ${written} $end\n`);
    }
    for (const bad of ['3ns', '0ps', '1000ps', 'ns', '1 sec']) {
      const top = rootScope('top');
      top.signal('a', 1);
      const w = new VcdWriter({ stream: new MemoryWritable() });
      expect(() => w.open(fakeDesign([top], bad)), bad).toThrow(/DesignView\.timescale/);
    }
  });

  it('items 4, 5, 6: one command or change per line, column 0, no tabs or trailing blanks, lowercase, final \\n', async () => {
    const { design, clk, data, temp, wide, lanes } = demo();
    const text = await writeVcd(
      design,
      [
        [0, [[lanes, null]]],
        [1, [[clk, 1], [data, 255], [temp, -Infinity], [wide, (1n << 40n) - 1n], [lanes, new Int8Array([3, 4])]]],
        [2, [[lanes, null], [temp, NaN]]],
      ],
      5,
      {},
      new Error('x'),
    );
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    for (const l of lines) {
      expect(l, JSON.stringify(l)).not.toMatch(/^\s|\s$|\t|\r/);
      if (l.startsWith('$')) expect(l === '$dumpvars' || l === '$dumpoff' || l === '$end' || l.endsWith(' $end'), l).toBe(true);
    }
    for (const l of bodyLines(text).filter(Boolean)) {
      expect(l).toMatch(/^(#\d+|[01xz][!-~]+|b[01]+ [!-~]+|bx [!-~]+|r(-?[0-9.e+-]+|nan|-?inf) [!-~]+|\$dumpvars|\$end|\$comment .* \$end)$/);
      expect(l).not.toMatch(/[XZBR]/);
    }
  });

  it('item 7: scopes are balanced and each path is opened once, contiguously', async () => {
    const top = rootScope('top');
    const a = top.child('a');
    a.signal('x', 1);
    a.child('deep').signal('y', 1);
    top.child('b').signal('z', 2);
    const other = rootScope('other');
    other.signal('q', 1);
    const text = await writeVcd(fakeDesign([top, other]), [[0, []]], 0);
    const vcd = parseVcd(text);
    expect(vcd.scopes.map((s) => s.path)).toEqual(['top', 'top.a', 'top.a.deep', 'top.b', 'other']);
    let depth = 0;
    for (const l of text.split('\n')) {
      if (l.startsWith('$scope')) depth++;
      if (l.startsWith('$upscope')) depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    // Two sibling modules that map to the same VCD name would need the scope twice: refused, naming both.
    const dup = rootScope('top');
    dup.child('u.0').signal('a', 1);
    dup.child('u_0').signal('b', 1);
    const w = new VcdWriter({ stream: new MemoryWritable() });
    expect(() => w.open(fakeDesign([dup]))).toThrow(/top\.u\.0 and top\.u_0/);
  });

  it('item 8: only module scopes and wire/integer/real vars', async () => {
    const { design } = demo();
    const vcd = parseVcd(await writeVcd(design, [[0, []]], 0));
    expect(new Set(vcd.scopes.map((s) => s.type))).toEqual(new Set(['module']));
    expect(new Set(vcd.vars.map((v) => v.type))).toEqual(new Set(['wire', 'integer', 'real']));
  });

  it('items 9, 10: names are sanitized to [A-Za-z0-9_$]+ with no blank, colon, dot or bracket', async () => {
    const top = rootScope('top');
    const names = ['my sig', 'gen:0.x', 'mem[3]', 'a.b.c', 'tab\there', '$end', 'ok_1$'];
    for (const n of names) top.signal(n, 8);
    top.child('blk[0]').signal('v', 1);
    const vcd = parseVcd(await writeVcd(fakeDesign([top]), [[0, []]], 0));
    for (const v of vcd.vars) expect(v.name).toMatch(/^[A-Za-z0-9_$]+$/);
    expect(vcd.vars.map((v) => v.name)).toEqual(['my_sig', 'gen_0_x', 'mem_3_', 'a_b_c', 'tab_here', '_$end', 'ok_1$', 'v']);
    expect(vcd.scopes.map((s) => s.name)).toEqual(['top', 'blk_0_']);
    for (const v of vcd.vars.filter((x) => x.size > 1)) expect(v.range).toBe(`[${v.size - 1}:0]`);
  });

  it('item 11: a (scope, name) collision is an error naming both sources', () => {
    const top = rootScope('top');
    top.signal('a.b', 1);
    top.signal('a_b', 1);
    const w = new VcdWriter({ stream: new MemoryWritable() });
    expect(() => w.open(fakeDesign([top]))).toThrow(/signal top\.a\.b and signal top\.a_b/);
    const top2 = rootScope('top');
    top2.signal('valid', 1);
    top2.port('valid', rootScope('x').signal('v', 1));
    expect(() => new VcdWriter({ stream: new MemoryWritable() }).open(fakeDesign([top2]))).toThrow(SimError);
  });

  it('items 12, 13: vectors as `$var wire N id name [N-1:0] $end`, integer 32, real 64, sizes >= 1', async () => {
    const { design } = demo();
    const text = await writeVcd(design, [[0, []]], 0);
    expect(text).toContain('$var wire 8 " data [7:0] $end\n');
    expect(text).toContain('$var wire 1 ! clk $end\n');
    expect(text).toContain('$var real 64 # temp $end\n');
    expect(text).toContain('$var integer 32 % occupancy $end\n');
    expect(text).toContain("$var wire 40 ' wide [39:0] $end\n");
    for (const v of parseVcd(text).vars) expect(v.size).toBeGreaterThanOrEqual(1);
  });

  it('items 14, 15: ids are the dense allocator sequence, unique per signal, never starting with $', async () => {
    const top = rootScope('top');
    const sigs: Signal<number>[] = [];
    for (let i = 0; i < 300; i++) sigs.push(top.signal(`s${i}`, 1 + (i % 7)));
    const vcd = parseVcd(await writeVcd(fakeDesign([top]), [[0, []]], 0));
    const ids = vcd.vars.map((v) => v.id);
    expect(new Set(ids).size).toBe(300);
    expect(ids.some((c) => c.startsWith('$'))).toBe(false);
    expect(ids.slice(0, 5)).toEqual(['!', '"', '#', '%', '&']);
    expect(ids[92]).toBe('~'); // 93 one-character codes once '$' is skipped
    expect(ids[93]).toBe('!!');
  });

  it('item 16: a port is an alias with its signal’s id code, same size and type', async () => {
    const { design, data } = demo();
    const text = await writeVcd(design, [[0, []], [3, [[data, 7]]]], 3);
    const vcd = parseVcd(text);
    const own = vcd.vars.find((v) => v.path === 'top.data')!;
    const port = vcd.vars.find((v) => v.path === 'top.core.din')!;
    expect(port.id).toBe(own.id);
    expect([port.size, port.type]).toEqual([own.size, own.type]);
    expect(historyOf(vcd, 'top.core.din')).toEqual([[0, '00000000'], [3, '00000111']]);
    // The change is written once for both names.
    expect(bodyLines(text).filter((l) => l.endsWith(` ${own.id}`))).toHaveLength(2);
  });

  it('item 16: a port bound to the same-named signal of its own module is declared once', async () => {
    const top = rootScope('top');
    const v = top.signal('valid', 1);
    top.port('valid', v);
    const vcd = parseVcd(await writeVcd(fakeDesign([top]), [[0, []]], 0));
    expect(vcd.vars.map((x) => x.path)).toEqual(['top.valid']);
  });

  it('item 17: scalar form only for size 1, `b… id` only for size > 1 (also 1-bit integer and data)', async () => {
    const top = rootScope('top');
    const bit = top.signal('bit', 1);
    const int1 = top.signal('int1', 1, { traceAs: 'integer' });
    const d1 = top.signal<boolean | null>('d1', 1, { kind: 'data', encode: (b) => (b ? 1 : 0) });
    const w1 = top.signal<bigint>('w1', 1, { kind: 'wide' });
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[bit, 1], [int1, 1], [d1, true], [w1, 1n]]], [2, [[d1, null]]]], 2);
    expect(bodyLines(text).join('\n')).toBe(['#0', '$dumpvars', '0!', 'b0 "', 'x#', '0%', '$end', '#1', '1!', 'b1 "', '1#', '1%', '#2', 'x#', ''].join('\n'));
    parseVcd(text); // the reader rejects any mix
  });

  it('item 18: vector values are shortened without changing their left-extended value', async () => {
    const top = rootScope('top');
    const v = top.signal('v', 8);
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[v, 0x80]]], [2, [[v, 1]]], [3, [[v, 0]]], [4, [[v, 0x7f]]]], 4);
    expect(bodyLines(text).filter((l) => l.startsWith('b'))).toEqual(['b0 !', 'b10000000 !', 'b1 !', 'b0 !', 'b1111111 !']);
    expect(historyOf(parseVcd(text), 'top.v').map(([, x]) => x)).toEqual(['00000000', '10000000', '00000001', '00000000', '01111111']);
  });

  it('item 19: numbers and bigints give the same bit string; negative and too wide values are rejected', async () => {
    const top = rootScope('top');
    const n = top.signal('n', 32);
    const b = top.signal<bigint>('b', 32, { kind: 'wide' });
    const d = top.signal<number>('d', 32, { kind: 'data', encode: (x) => BigInt(x) });
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[n, 0xdeadbeef], [b, 0xdeadbeefn], [d, 0xdeadbeef]]]], 1);
    const vals = bodyLines(text).filter((l) => l.startsWith('b1')).map((l) => l.split(' ')[0]);
    expect(vals).toEqual(Array(3).fill('b' + (0xdeadbeef).toString(2)));

    for (const [kind, bad] of [['bits', -1], ['bits', 256], ['bits', 1.5], ['wide', -1n], ['wide', 256n]] as const) {
      const t = rootScope('t');
      const s = t.signal<any>('s', 8, { kind });
      const w = new VcdWriter({ stream: new MemoryWritable() });
      w.open(fakeDesign([t]));
      w.step(0, []);
      s.value = bad;
      expect(() => w.step(1, [s]), `${kind} ${bad}`).toThrow(/signal t\.s \(8 bits, kind .*\) holds .* expected/);
      await w.close(1);
    }
    const t = rootScope('t');
    const s = t.signal<number>('s', 4, { kind: 'data', encode: (x) => x });
    const w = new VcdWriter({ stream: new MemoryWritable() });
    w.open(fakeDesign([t]));
    w.step(0, []);
    s.value = 16;
    expect(() => w.step(1, [s])).toThrow(/bitsOf\(\) to give an unsigned integer below 2\^4/);
    await w.close(1);
  });

  it('item 20: reals as r<String(x)>, nan, inf, -inf', async () => {
    const top = rootScope('top');
    const r = top.signal('r', 1, { kind: 'real' });
    const values = [0.1 + 0.2, 1e21, 5e-324, 0, -0, -2.5, NaN, NaN, Infinity, -Infinity, 1 / 3];
    const steps: Step[] = values.map((v, i) => [i + 1, [[r, v]]]);
    const text = await writeVcd(fakeDesign([top]), [[0, []], ...steps], 20);
    expect(bodyLines(text).filter((l) => l.startsWith('r'))).toEqual([
      'r0 !',
      'r0.30000000000000004 !',
      'r1e+21 !',
      'r5e-324 !',
      'r0 !',
      // -0 equals 0 and NaN equals NaN: not changes
      'r-2.5 !',
      'rnan !',
      'rinf !',
      'r-inf !',
      'r0.3333333333333333 !',
    ]);
    const back = historyOf(parseVcd(text), 'top.r').map(([, x]) => Number(x.replace('nan', 'NaN').replace('inf', 'Infinity')));
    expect(back).toEqual([0, 0.1 + 0.2, 1e21, 5e-324, 0, -2.5, NaN, Infinity, -Infinity, 1 / 3]);
  });

  it('item 23: #t0 and a $dumpvars block listing every var once (bx for an empty data payload)', async () => {
    const { design, lanes } = demo();
    const text = await writeVcd(design, [[0, [[lanes, null]]]], 0);
    const body = bodyLines(text);
    expect(body.slice(0, 2)).toEqual(['#0', '$dumpvars']);
    const block = body.slice(2, body.indexOf('$end'));
    const ids = block.map((l) => (l.includes(' ') ? l.split(' ')[1] : l.slice(1)));
    const vcd = parseVcd(text);
    expect(new Set(ids)).toEqual(new Set(vcd.vars.map((v) => v.id)));
    expect(ids).toHaveLength(new Set(ids).size);
    expect(block).toContain('bx (');
  });

  it('item 23: the first step after 0 still dumps the initial values at #0', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 4, { init: 3 });
    const text = await writeVcd(fakeDesign([top]), [[7, [[a, 9]]]], 9);
    expect(bodyLines(text)).toEqual(['#0', '$dumpvars', 'b11 !', '$end', '#7', 'b1001 !', '#9', '']);
  });

  it('items 24, 25, 31: times are non-negative integers that strictly increase; anything else throws', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 1);
    const w = new VcdWriter({ stream: new MemoryWritable() });
    w.open(fakeDesign([top]));
    w.step(10, [a]);
    expect(() => w.step(5, [a])).toThrow(/time 5 is not after the previous step time 10/);
    expect(() => w.step(10, [a])).toThrow(/not after/);
    expect(() => w.step(10.5, [a])).toThrow(/not a non-negative integer/);
    expect(() => w.step(-1, [a])).toThrow(/not a non-negative integer/);
    expect(() => w.step(2 ** 53, [a])).toThrow(/not a non-negative integer/);
    a.value = 1;
    w.step(12_345_678_901, [a]);
    await w.close(12_345_678_901);
    expect(w.stats.bytesWritten).toBeGreaterThan(0);
  });

  it('item 26: a time marker only when something changed, never twice', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 8);
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[a, 0]]], [2, []], [3, [[a, 4]]], [4, [[a, 4]]]], 4);
    expect(bodyLines(text)).toEqual(['#0', '$dumpvars', 'b0 !', '$end', '#3', 'b100 !', '#4', '']);
  });

  it('items 27, 28: one change per var per step (the settled value); glitches back and repeats are not changes', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 8);
    const d = top.signal<number | null>('d', 4, { kind: 'data', encode: (x) => x! });
    const out = new MemoryWritable();
    const w = new VcdWriter({ stream: out, date: 'd' });
    w.open(fakeDesign([top]));
    w.step(0, []);
    // a glitched 0 -> 5 -> 0 inside step 1: the kernel lists it, the settled value equals the old one.
    a.value = 0;
    w.step(1, [a]);
    // listed twice: written once
    a.value = 9;
    w.step(2, [a, a]);
    // x -> x is no change (a data payload starts as null)
    d.value = null;
    w.step(3, [d]);
    w.step(4, [d]);
    d.value = 2;
    w.step(5, [d]);
    await w.close(5);
    expect(bodyLines(out.text)).toEqual(['#0', '$dumpvars', 'b0 !', 'bx "', '$end', '#2', 'b1001 !', '#5', 'b10 "', '']);
  });

  it('item 29: close writes a final #t_end only when time advanced', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 1);
    expect(bodyLines(await writeVcd(fakeDesign([top]), [[0, []], [4, [[a, 1]]]], 9)).slice(-3)).toEqual(['1!', '#9', '']);
    const t2 = rootScope('top');
    const b = t2.signal('a', 1);
    expect(bodyLines(await writeVcd(fakeDesign([t2]), [[0, []], [4, [[b, 1]]]], 4)).slice(-3)).toEqual(['#4', '1!', '']);
    // closing without any step still gives a loadable file with the initial values
    const t3 = rootScope('top');
    t3.signal('a', 1);
    expect(bodyLines(await writeVcd(fakeDesign([t3]), [], 6))).toEqual(['#0', '$dumpvars', '0!', '$end', '#6', '']);
  });

  it('item 30: the window writes nothing before start, $dumpvars of the values at start, $dumpoff at end', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 4);
    const r = top.signal('r', 1, { kind: 'real' });
    const b = top.signal('b', 1);
    const text = await writeVcd(
      fakeDesign([top]),
      [[0, []], [2, [[a, 1]]], [4, [[a, 2], [b, 1]]], [6, [[a, 3], [r, 0.5]]], [8, [[a, 4]]], [12, [[a, 5]]], [14, [[a, 6]]]],
      20,
      { window: { start: 5, end: 12 } },
    );
    expect(bodyLines(text)).toEqual([
      '#5', '$dumpvars', 'b10 !', 'r0 "', '1#', '$end',
      '#6', 'b11 !', 'r0.5 "',
      '#8', 'b100 !',
      '#12', '$dumpoff', 'bx !', 'rnan "', 'x#', '$end', '',
    ]);
    const vcd = parseVcd(text);
    expect(vcd.blocks).toEqual([{ keyword: '$dumpvars', time: 5 }, { keyword: '$dumpoff', time: 12 }]);
    expect(vcd.endTime).toBe(12);
  });

  it('item 30: window start hit exactly, and a window the simulation never reaches', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 4);
    expect(bodyLines(await writeVcd(fakeDesign([top]), [[0, []], [5, [[a, 1]]], [6, [[a, 2]]]], 7, { window: { start: 5 } }))).toEqual([
      '#5', '$dumpvars', 'b1 !', '$end', '#6', 'b10 !', '#7', '',
    ]);
    const t2 = rootScope('top');
    const a2 = t2.signal('a', 4);
    const text = await writeVcd(fakeDesign([t2]), [[0, []], [5, [[a2, 1]]]], 7, { window: { start: 100 } });
    expect(bodyLines(text)).toEqual(['$comment no values dumped: the simulation ended at time 7, before the trace window starts at 100 $end', '']);
    // close inside the window between steps: values of the last step are dumped at the start
    const t3 = rootScope('top');
    const a3 = t3.signal('a', 4);
    expect(bodyLines(await writeVcd(fakeDesign([t3]), [[0, []], [5, [[a3, 1]]]], 30, { window: { start: 10, end: 20 } }))).toEqual([
      '#10', '$dumpvars', 'b1 !', '$end', '#20', '$dumpoff', 'bx !', '$end', '',
    ]);
  });

  it('item 33: byte-identical output for the same run with a fixed date', async () => {
    const run = async () => {
      const { design, clk, data, temp, wide } = demo();
      return writeVcd(design, [[0, []], [1, [[clk, 1], [data, 3], [temp, 0.25], [wide, 77n]]], [2, [[clk, 0]]]], 3);
    };
    expect(await run()).toBe(await run());
  });

  it('filters: scope patterns and depth select what is declared; ancestors stay as scopes', async () => {
    const top = rootScope('top');
    top.signal('t', 1);
    const b0 = top.child('block0');
    b0.signal('b', 1);
    const fifo = b0.child('fifo');
    fifo.signal('count', 3);
    const b1 = top.child('block1');
    b1.child('fifo').signal('count', 3);
    b1.child('conv').signal('acc', 8);
    const paths = async (o: Partial<VcdWriterOptions>) => parseVcd(await writeVcd(fakeDesign([top]), [[0, []]], 0, o)).vars.map((v) => v.path);
    expect(await paths({})).toEqual(['top.t', 'top.block0.b', 'top.block0.fifo.count', 'top.block1.fifo.count', 'top.block1.conv.acc']);
    expect(await paths({ scopes: ['top.block0.*'] })).toEqual(['top.block0.fifo.count']);
    expect(await paths({ scopes: ['*.fifo'] })).toEqual(['top.block0.fifo.count', 'top.block1.fifo.count']);
    expect(await paths({ depth: 1 })).toEqual(['top.t', 'top.block0.b']);
    expect(await paths({ depth: 0 })).toEqual(['top.t']);
    const vcd = parseVcd(await writeVcd(fakeDesign([top]), [[0, []]], 0, { scopes: ['*.conv'] }));
    expect(vcd.scopes.map((s) => s.path)).toEqual(['top', 'top.block1', 'top.block1.conv']);
  });

  it('untraced signals and signals outside the filter are ignored in step()', async () => {
    const top = rootScope('top');
    const a = top.signal('a', 1);
    const hidden = top.signal('hidden', 1, { untraced: true });
    const stranger = rootScope('elsewhere').signal('s', 1);
    const text = await writeVcd(fakeDesign([top]), [[0, []], [1, [[hidden, 1], [stranger, 1]]], [2, [[a, 1]]]], 2);
    expect(bodyLines(text)).toEqual(['#0', '$dumpvars', '0!', '$end', '#2', '1!', '']);
  });
});
