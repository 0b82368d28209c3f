/**
 * Short timing diagrams for the docs: turn a few signals' histories (from the VCD reader, or per-cycle
 * values from a test) into WaveJSON, one character per clock cycle, and render it to SVG with the
 * `wavedrom` package, which works headless in Node (`renderAny` + its bundled `onml.stringify`).
 *
 * WaveJSON per cycle: `0 1 x z` for 1-bit signals; `=` plus a `data[]` label when a bus changes; `.` when
 * nothing changed; a clock is `p` followed by dots (WaveDrom draws the edges itself).
 */
import { createRequire } from 'node:module';
import { findVar, type ParsedVcd } from './vcd-reader.ts';

export interface WaveSignal {
  name: string;
  wave: string;
  data?: string[];
  period?: number;
  phase?: number;
  node?: string;
}

/** A lane: a signal, a group `[label, ...lanes]`, or `{}` for a spacer row. */
export type WaveLane = WaveSignal | [string, ...WaveLane[]] | Record<string, never>;

export interface WaveJson {
  signal: WaveLane[];
  head?: { text?: string; tick?: number; every?: number };
  foot?: { text?: string; tock?: number };
  config?: { hscale?: number; skin?: string };
}

export type LabelFormat = 'hex' | 'dec' | 'bin';

/** One signal's value history, as the reader reports it (`[time, value]`, binary strings for vectors). */
export interface Track {
  name: string;
  changes: readonly (readonly [number, string])[];
  /** Draw as a clock (`p...`) instead of sampling. */
  clock?: boolean;
  /** `bit` (0/1/x/z), `vector` (binary strings, labelled) or `label` (shown as written, e.g. reals). Inferred when omitted. */
  kind?: 'bit' | 'vector' | 'label';
  format?: LabelFormat;
}

export interface SampleOptions {
  /** Time of cycle 0. */
  start: number;
  /** Time units per cycle (the clock period). */
  period: number;
  cycles: number;
  /** Sample each cycle at start + k*period + offset; default 0 (the value right after the edge settles). */
  offset?: number;
  title?: string;
  hscale?: number;
}

/** Per-cycle values for `waveJsonFromCycles`; null/undefined is x, strings are shown as written. */
export interface CycleSignal {
  name: string;
  values: readonly (number | bigint | string | null | undefined)[];
  /** 1 draws a bit wave; anything else (default) a bus with labels. */
  width?: number;
  clock?: boolean;
  format?: LabelFormat;
}

/** One cycle's appearance: a wave character, and a label for buses. */
type Cell = { ch: string; label?: string };

function lane(name: string, cells: Cell[], clock: boolean): WaveSignal {
  if (clock) return { name, wave: cells.length ? 'p' + '.'.repeat(cells.length - 1) : '' };
  let wave = '';
  const data: string[] = [];
  let prev: Cell | null = null;
  for (const c of cells) {
    if (prev && prev.ch === c.ch && prev.label === c.label) wave += '.';
    else {
      wave += c.ch;
      if (c.label !== undefined) data.push(c.label);
    }
    prev = c;
  }
  return data.length ? { name, wave, data } : { name, wave };
}

function binaryCell(bits: string, kind: 'bit' | 'vector', format: LabelFormat): Cell {
  if (kind === 'bit') return { ch: bits };
  if (bits.includes('x')) return { ch: 'x' };
  if (bits.includes('z')) return { ch: 'z' };
  const n = BigInt('0b' + bits);
  return { ch: '=', label: format === 'bin' ? bits : format === 'dec' ? n.toString(10) : n.toString(16) };
}

function inferKind(changes: readonly (readonly [number, string])[]): 'bit' | 'vector' | 'label' {
  if (changes.every(([, v]) => /^[01xz]$/.test(v))) return 'bit';
  if (changes.every(([, v]) => /^[01xz]+$/.test(v))) return 'vector';
  return 'label';
}

/** Sample histories once per cycle into WaveJSON. */
export function waveJsonFromHistory(tracks: readonly Track[], opts: SampleOptions): WaveJson {
  const { start, period, cycles } = opts;
  if (!(period > 0)) throw new RangeError(`wavejson option 'period': expected a positive time per cycle, got ${period}`);
  if (!Number.isInteger(cycles) || cycles < 1) throw new RangeError(`wavejson option 'cycles': expected a positive integer, got ${cycles}`);
  const offset = opts.offset ?? 0;
  const signal: WaveLane[] = tracks.map((t) => {
    const kind = t.kind ?? inferKind(t.changes);
    const cells: Cell[] = [];
    let k = 0;
    let current: string | undefined;
    for (let c = 0; c < cycles; c++) {
      const at = start + c * period + offset;
      while (k < t.changes.length && t.changes[k]![0] <= at) current = t.changes[k++]![1];
      if (current === undefined) cells.push({ ch: 'x' });
      else if (kind === 'label') cells.push({ ch: '=', label: current });
      else cells.push(binaryCell(current, kind, t.format ?? 'hex'));
    }
    return lane(t.name, cells, t.clock ?? false);
  });
  return finish(signal, opts.title, opts.hscale);
}

/** Tracks for the vars at `paths` of a parsed VCD (names shortened to the last path element). */
export function tracksFromVcd(vcd: ParsedVcd, paths: readonly string[], options: { clocks?: readonly string[]; format?: LabelFormat } = {}): Track[] {
  return paths.map((p) => {
    const v = findVar(vcd, p);
    return {
      name: v.name,
      changes: vcd.history.get(v.id)!,
      clock: options.clocks?.includes(p) ?? false,
      kind: v.type === 'real' ? 'label' : v.size === 1 ? 'bit' : 'vector',
      format: options.format,
    };
  });
}

/** WaveJSON from values given per cycle (e.g. recorded in a test). */
export function waveJsonFromCycles(signals: readonly CycleSignal[], opts: { title?: string; hscale?: number } = {}): WaveJson {
  const lanes: WaveLane[] = signals.map((s) => {
    const cells = s.values.map((v): Cell => {
      if (v === null || v === undefined) return { ch: 'x' };
      if (typeof v === 'string') return { ch: '=', label: v };
      if (s.width === 1) {
        if (v !== 0 && v !== 1 && v !== 0n && v !== 1n) throw new RangeError(`wavejson signal ${s.name}: 1-bit value must be 0 or 1, got ${v}`);
        return { ch: String(v) };
      }
      const n = BigInt(v);
      const f = s.format ?? 'hex';
      return { ch: '=', label: f === 'dec' ? n.toString(10) : f === 'bin' ? n.toString(2) : n.toString(16) };
    });
    return lane(s.name, cells, s.clock ?? false);
  });
  return finish(lanes, opts.title, opts.hscale);
}

function finish(signal: WaveLane[], title?: string, hscale?: number): WaveJson {
  const w: WaveJson = { signal };
  if (title !== undefined) w.head = { text: title };
  if (hscale !== undefined) w.config = { hscale };
  return w;
}

interface WaveDromModule {
  renderAny(index: number, source: WaveJson, skin: unknown): unknown;
  waveSkin: unknown;
  onml: { stringify(tree: unknown, indent?: number): string };
}

let wavedrom: WaveDromModule | null = null;

/** Render WaveJSON to an SVG string (WaveDrom's default skin). */
export function renderWaveJsonSvg(wave: WaveJson): string {
  // wavedrom is CommonJS without types; load it lazily so importing this file costs nothing.
  wavedrom ??= createRequire(import.meta.url)('wavedrom') as WaveDromModule;
  // renderAny may annotate its input, so give it a copy.
  return wavedrom.onml.stringify(wavedrom.renderAny(0, structuredClone(wave), wavedrom.waveSkin));
}
