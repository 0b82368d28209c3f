import { describe, expect, it } from 'vitest';
import { isCleanName, sanitizeName, sanitizeText } from './names.ts';
import { globToRegExp, makeScopeFilter } from './scope-filter.ts';
import { parseTimescale } from './timescale.ts';

describe('names (checklist items 1, 9, 10)', () => {
  it('maps names onto [A-Za-z0-9_$]+', () => {
    expect(sanitizeName('my sig')).toBe('my_sig');
    expect(sanitizeName('gen:0.x')).toBe('gen_0_x');
    expect(sanitizeName('mem[3]')).toBe('mem_3_');
    expect(sanitizeName('café')).toBe('caf_');
    expect(sanitizeName('')).toBe('_');
    expect(sanitizeName('$end')).toBe('_$end');
    expect(sanitizeName('ok_Name$1')).toBe('ok_Name$1');
    for (const n of ['my sig', 'a\tb', '\u00e9', 'x\ny', 'a\\b']) expect(isCleanName(sanitizeName(n))).toBe(true);
  });

  it('turns text into one printable ASCII line that cannot close its command', () => {
    expect(sanitizeText('It\u2019s  a\ttest\r\nline 2')).toBe('It s a test line 2');
    expect(sanitizeText('boom $end here')).toBe('boom _$end here');
    expect(sanitizeText('$end')).toBe('_$end');
    expect(sanitizeText('x'.repeat(50), 10)).toBe('xxxxxxx...');
  });
});

describe('scope filter', () => {
  it('matches glob patterns on full paths', () => {
    expect(globToRegExp('top.block0.*').test('top.block0.fifo')).toBe(true);
    expect(globToRegExp('top.block0.*').test('top.block0')).toBe(false);
    expect(globToRegExp('*.fifo').test('top.block0.fifo')).toBe(true);
    expect(globToRegExp('*.fifo').test('top.fifo2')).toBe(false);
    expect(globToRegExp('top.b?').test('top.b1')).toBe(true);
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
  });

  it('limits depth below the roots', () => {
    const f = makeScopeFilter({ depth: 1 });
    expect(f.includes('top', 0)).toBe(true);
    expect(f.includes('top.a', 1)).toBe(true);
    expect(f.includes('top.a.b', 2)).toBe(false);
    expect(f.descends(0)).toBe(true);
    expect(f.descends(1)).toBe(false);
    expect(() => makeScopeFilter({ depth: -1 })).toThrow(/depth/);
    expect(() => makeScopeFilter({ scopes: [''] })).toThrow(/scopes\[0\]/);
  });
});

describe('timescale (checklist item 3)', () => {
  it('accepts 1/10/100 of s..fs only', () => {
    expect(parseTimescale('1ps')).toEqual({ magnitude: 1, unit: 'ps' });
    expect(parseTimescale('10 ns')).toEqual({ magnitude: 10, unit: 'ns' });
    expect(parseTimescale('100us')).toEqual({ magnitude: 100, unit: 'us' });
    for (const bad of ['3ns', '0ps', '1000ps', '1 sec', 'ns', '1as', '']) expect(parseTimescale(bad)).toBeNull();
  });
});
