import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWaveJsonSvg } from '../../waves/wavejson.ts';
import { convDocWaves } from './conv-doc-waves.ts';

const DOC = new URL('../../docs/components-conv.md', import.meta.url);

describe('docs/components-conv.md timing diagrams', () => {
  it('equal what the simulation produces, and render with WaveDrom', async () => {
    const text = readFileSync(DOC, 'utf8');
    const blocks = new Map<string, unknown>();
    for (const m of text.matchAll(/<!-- wave: ([\w-]+) -->\n```wavejson\n([\s\S]*?)\n```/g)) blocks.set(m[1]!, JSON.parse(m[2]!));
    const waves = await convDocWaves();
    expect([...blocks.keys()].sort()).toEqual(Object.keys(waves).sort());
    for (const [id, wave] of Object.entries(waves)) {
      expect(blocks.get(id), `diagram ${id}`).toEqual(wave);
      expect(renderWaveJsonSvg(wave)).toMatch(/^<svg/);
    }
  });
});
