/**
 * `npm run docs:diagrams`: renders every ```wavejson block in docs/*.md to docs/img/<doc>-<n>.svg with
 * wavedrom, so timing diagrams are generated from WaveJSON, never drawn by hand, and puts the image link
 * `![timing diagram n](img/<doc>-<n>.svg)` right after each block that does not have one yet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderWaveJsonSvg, type WaveJson } from '../../waves/wavejson.ts';

export function wavejsonBlocks(markdown: string): WaveJson[] {
  const blocks: WaveJson[] = [];
  const re = /```wavejson\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) blocks.push(JSON.parse(m[1]!) as WaveJson);
  return blocks;
}

/** Insert the image link after every wavejson block that is not already followed by one. */
export function linkDiagrams(markdown: string, doc: string): string {
  let n = 0;
  return markdown.replace(/```wavejson\n[\s\S]*?```\n(\n*)(!\[[^\]]*\]\([^)]*\))?/g, (block, _gap, link) => {
    n++;
    if (link) return block;
    return `${block.trimEnd()}\n\n![timing diagram ${n}](img/${doc}-${n}.svg)\n`;
  });
}

export function renderDocDiagrams(docsDir: string): string[] {
  const written: string[] = [];
  for (const file of fs.readdirSync(docsDir).filter((f) => f.endsWith('.md'))) {
    const doc = file.replace(/\.md$/, '');
    const mdPath = path.join(docsDir, file);
    const text = fs.readFileSync(mdPath, 'utf8');
    const blocks = wavejsonBlocks(text);
    blocks.forEach((wave, i) => {
      const out = path.join(docsDir, 'img', `${doc}-${i + 1}.svg`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, renderWaveJsonSvg(wave));
      written.push(out);
    });
    const linked = linkDiagrams(text, doc);
    if (linked !== text) fs.writeFileSync(mdPath, linked);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = path.resolve(import.meta.dirname, '../../docs');
  for (const f of renderDocDiagrams(docs)) console.log(`wrote ${path.relative(process.cwd(), f)}`);
}
