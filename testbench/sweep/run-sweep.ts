/** Size every point of a sweep in turn and write the CSV, the JSON rows and the two plots into a folder. */
import fs from 'node:fs';
import path from 'node:path';
import { toCsv } from './csv.ts';
import type { SweepPoint } from './grid.ts';
import { PLOT_FILES, renderPlots } from './plots.ts';
import { sizePoint, type SweepRow } from './size-point.ts';

export const DATA_FILES = { csv: 'sweep-points.csv', json: 'sweep-points.json' } as const;

export interface SweepFiles {
  csv: string;
  json: string;
  depthPlot: string;
  bitsPlot: string;
}

export interface SweepResult {
  rows: SweepRow[];
  files: SweepFiles;
  seconds: number;
}

export interface SweepRunOptions {
  /** Worker threads per sizing (size-fifo's default when omitted). */
  workers?: number;
  /** Called before each point and after each of its simulations. */
  onProgress?: (done: number, total: number, text: string) => void;
}

export async function runSweep(points: readonly SweepPoint[], outDir: string, options: SweepRunOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const rows: SweepRow[] = [];
  for (const [i, p] of points.entries()) {
    options.onProgress?.(i, points.length, p.label);
    const onProbe = ({ finished }: { finished: number }): void => options.onProgress?.(i, points.length, `${p.label}: ${finished} simulation(s)`);
    rows.push(await sizePoint(p, { workers: options.workers, onProbe }));
  }
  options.onProgress?.(points.length, points.length, 'plots');
  fs.mkdirSync(outDir, { recursive: true });
  const files: SweepFiles = {
    csv: path.join(outDir, DATA_FILES.csv),
    json: path.join(outDir, DATA_FILES.json),
    depthPlot: path.join(outDir, PLOT_FILES.depth),
    bitsPlot: path.join(outDir, PLOT_FILES.bits),
  };
  fs.writeFileSync(files.csv, toCsv(rows));
  fs.writeFileSync(files.json, `${JSON.stringify(rows, null, 2)}\n`);
  for (const [name, svg] of Object.entries(await renderPlots(rows))) fs.writeFileSync(path.join(outDir, name), svg);
  return { rows, files, seconds: (performance.now() - t0) / 1000 };
}
