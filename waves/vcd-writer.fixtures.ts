/** Shared by the VcdWriter tests: a writer run the way the kernel drives it, and a demo design. */
import type { Signal } from '../sim/signal.ts';
import type { DesignView } from '../sim/trace.ts';
import { fakeDesign, MemoryWritable, rootScope } from './testing.ts';
import { VcdWriter, type VcdWriterOptions } from './vcd-writer.ts';

export type Step = [time: number, writes: [Signal<any>, unknown][]];

/** Run the writer the way the kernel does: set the settled values, then step with the written signals. */
export async function writeVcd(design: DesignView, steps: Step[], closeAt: number, options: Partial<VcdWriterOptions> = {}, error?: Error): Promise<string> {
  const out = new MemoryWritable();
  const w = new VcdWriter({ stream: out, date: '2026-01-01', ...options });
  w.open(design);
  for (const [t, writes] of steps) {
    for (const [s, v] of writes) s.value = v;
    w.step(t, writes.map(([s]) => s));
  }
  await w.close(closeAt, error);
  return out.text;
}

/** A small design with every kind of signal, a child scope and a port alias. */
export function demo() {
  const top = rootScope('top');
  const clk = top.signal('clk', 1);
  const data = top.signal('data', 8);
  const temp = top.signal('temp', 1, { kind: 'real' });
  const occ = top.signal('occupancy', 5, { traceAs: 'integer' });
  const core = top.child('core');
  const state = core.signal('state', 4);
  const wide = core.signal<bigint>('wide', 40);
  const lanes = core.signal<Int8Array | null>('lanes', 16, {
    kind: 'data',
    encode: (v) => (v ? (v[0]! & 0xff) | ((v[1]! & 0xff) << 8) : 0),
  });
  core.port('din', data);
  const design = fakeDesign([top], '1ns', [clk]);
  return { top, core, clk, data, temp, occ, state, wide, lanes, design };
}

export function bodyLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(lines.indexOf('$enddefinitions $end') + 1);
}
