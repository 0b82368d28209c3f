/**
 * `npm run docs:diagrams`: renders every ```wavejson block in docs/*.md to docs/img/<doc>-<n>.svg with
 * wavedrom, so timing diagrams are generated from WaveJSON, never drawn by hand. A doc shows diagram n
 * with ![...](img/<doc>-<n>.svg) right after its block.
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

export function renderDocDiagrams(docsDir: string): string[] {
  const written: string[] = [];
  for (const file of fs.readdirSync(docsDir).filter((f) => f.endsWith('.md'))) {
    const blocks = wavejsonBlocks(fs.readFileSync(path.join(docsDir, file), 'utf8'));
    blocks.forEach((wave, i) => {
      const out = path.join(docsDir, 'img', `${file.replace(/\.md$/, '')}-${i + 1}.svg`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, renderWaveJsonSvg(wave));
      written.push(out);
    });
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = path.resolve(import.meta.dirname, '../../docs');
  for (const f of renderDocDiagrams(docs)) console.log(`wrote ${path.relative(process.cwd(), f)}`);
}
