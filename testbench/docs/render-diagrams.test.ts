import { describe, expect, it } from 'vitest';
import { linkDiagrams, wavejsonBlocks } from './render-diagrams.ts';

describe('doc diagrams', () => {
  const md = [
    '# t',
    '```wavejson',
    '{ "signal": [{ "name": "a", "wave": "01" }] }',
    '```',
    '',
    'text',
    '```wavejson',
    '{ "signal": [{ "name": "b", "wave": "10" }] }',
    '```',
    '',
    '![already](img/x-2.svg)',
    '',
  ].join('\n');

  it('finds every block', () => {
    expect(wavejsonBlocks(md).map((w) => (w.signal[0] as { name: string }).name)).toEqual(['a', 'b']);
  });

  it('links the blocks that have no image yet, once', () => {
    const once = linkDiagrams(md, 'x');
    expect(once).toContain('```\n\n![timing diagram 1](img/x-1.svg)\n');
    expect(once.match(/!\[/g)?.length).toBe(2);
    expect(linkDiagrams(once, 'x')).toBe(once);
  });
});
