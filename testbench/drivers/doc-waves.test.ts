import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWaveJsonSvg } from '../../waves/wavejson.ts';
import { docWaves } from './doc-waves.ts';

const DOC = new URL('../../docs/components-stream.md', import.meta.url);

/** The `<!-- wave: id -->` + ```wavejson blocks of the doc, parsed. */
function docBlocks(): Map<string, unknown> {
  const text = readFileSync(DOC, 'utf8');
  const out = new Map<string, unknown>();
  for (const m of text.matchAll(/<!-- wave: ([\w-]+) -->\n```wavejson\n([\s\S]*?)\n```/g)) out.set(m[1]!, JSON.parse(m[2]!));
  return out;
}

describe('docs/components-stream.md timing diagrams', () => {
  it('every wavejson block is valid JSON and renders with WaveDrom', () => {
    const text = readFileSync(DOC, 'utf8');
    const fences = [...text.matchAll(/```wavejson\n([\s\S]*?)\n```/g)];
    expect(fences.length).toBeGreaterThanOrEqual(9);
    for (const f of fences) expect(renderWaveJsonSvg(JSON.parse(f[1]!))).toMatch(/^<svg/);
  });

  it('equal what the simulation of each component produces', async () => {
    const blocks = docBlocks();
    const waves = await docWaves();
    expect([...blocks.keys()].sort()).toEqual(Object.keys(waves).sort());
    for (const [id, wave] of Object.entries(waves)) expect(blocks.get(id), `diagram ${id}`).toEqual(wave);
  });
});
