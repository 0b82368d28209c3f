/**
 * Writes a GTKWave save file (`.gtkw`) beside a VCD so that `gtkwave run.gtkw` opens the dump with a useful
 * view: clocks first, then one group per module with its own signals in declaration order, FIFO
 * occupancies and counters (`traceAs: 'integer'`) as double-height analog step traces, and the primary
 * marker on a time of interest such as a deadlock. Format as verified on GTKWave 3.3.118 in vcd.md §2.1.3:
 * bare `[dumpfile]`/`[savefile]` names (so the pair loads from any working directory), vectors named with
 * their `[msb:lsb]` suffix (GTKWave does not find them otherwise), integer and real traces without one.
 * Trace names come from the same layout the VcdWriter declares (pass the same scope filter options).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Signal } from '../sim/signal.ts';
import type { DesignView } from '../sim/trace.ts';
import { buildLayout, slotViewerName, viewerName, type ScopeDecl, type Slot, type TraceLayout } from './layout.ts';
import type { ScopeFilterOptions } from './scope-filter.ts';
import { parseTimescale } from './timescale.ts';

/** Trace flag words (GTKWave `TraceEntFlagBits`, vcd.md §2.1.3). */
export const GtkwFlags = {
  hex: 0x2,
  dec: 0x4,
  bin: 0x8,
  rjustify: 0x20,
  blank: 0x200,
  analogStep: 0x8000,
  analogBlankStretch: 0x20000,
  real: 0x40000,
  groupBegin: 0x800000,
  groupEnd: 0x1000000,
  collapsed: 0x1000,
  closed: 0x400000,
} as const;

const F = GtkwFlags;
const FLAG_BIT = F.rjustify | F.bin; // @28
const FLAG_VECTOR = F.rjustify | F.hex; // @22
const FLAG_INTEGER = F.analogStep | F.rjustify | F.dec; // @8024
const FLAG_REAL = F.real | F.analogStep | F.rjustify; // @48020
const FLAG_STRETCH = F.analogBlankStretch; // @20000: the blank row that makes an analog trace double height
const FLAG_GROUP_BEGIN = F.groupBegin | F.blank; // @800200
const FLAG_GROUP_END = F.groupEnd | F.blank; // @1000200

export interface GtkwOptions extends ScopeFilterOptions {
  /** Path of the VCD this file goes with; written relative to the save file (a bare name beside it). */
  dumpfile: string;
  /** Where the save file goes; default: beside the dump, `.vcd`/`.vcd.gz` replaced by `.gtkw`. */
  savefile?: string;
  /** At most this many traces (clocks included); default 1000. GTKWave slows down with many traces. */
  maxSignals?: number;
  /** Primary marker, e.g. the deadlock time, in design time units. */
  marker?: number;
  /** Named markers A, B, … (up to 26), in design time units. */
  namedMarkers?: readonly number[];
  /** First time shown; default: so that the marker sits at 3/4 of the view, else 0. */
  timeStart?: number;
  /** Time span shown (sets the zoom); default: up to a little past the marker when one is given. */
  span?: number;
  /** The layout the VcdWriter used (`writer.declared`); built from the design and filter when omitted. */
  layout?: TraceLayout;
  /** A module group with more signals than this starts folded (closed); default 24. */
  foldAbove?: number;
}

/** Where `writeGtkw` puts the save file for a dump. */
export function gtkwPathFor(dumpfile: string): string {
  return dumpfile.replace(/\.vcd(\.gz)?$/, '') + '.gtkw';
}

/** The text of a save file. */
export function gtkwText(design: DesignView, options: GtkwOptions): string {
  const layout = options.layout ?? buildLayout(design, options);
  const maxSignals = options.maxSignals ?? 1000;
  if (!Number.isInteger(maxSignals) || maxSignals < 1) {
    throw new RangeError(`gtkw option 'maxSignals': expected a positive integer, got ${maxSignals}`);
  }
  for (const [name, v] of [['marker', options.marker], ['timeStart', options.timeStart], ['span', options.span]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`gtkw option '${name}': expected a non-negative time, got ${v}`);
  }
  const named = options.namedMarkers ?? [];
  if (named.length > 26) throw new RangeError(`gtkw option 'namedMarkers': at most 26 (A-Z), got ${named.length}`);
  // GTKWave counts time in the dump's base unit: `$timescale 10ns` makes #3 read as 30 ns.
  const scale = parseTimescale(design.timescale)?.magnitude ?? 1;
  const savefile = options.savefile ?? gtkwPathFor(options.dumpfile);

  const lines: string[] = [];
  lines.push('[*] skipsim trace view');
  // Relative to the save file: a bare name when both sit in one folder, which loads from any cwd.
  const dumpName = path.relative(path.dirname(path.resolve(savefile)), path.resolve(options.dumpfile));
  lines.push(`[dumpfile] "${quote(dumpName.split(path.sep).join('/'))}"`);
  lines.push(`[savefile] "${quote(path.basename(savefile))}"`);

  const marker = options.marker;
  let span = options.span;
  if (span === undefined && marker !== undefined) span = Math.max(marker * 1.25, 10);
  let start = options.timeStart;
  if (start === undefined) start = marker !== undefined && span !== undefined ? Math.max(0, marker - span * 0.75) : 0;
  lines.push(`[timestart] ${Math.round(start * scale)}`);
  if (span !== undefined || marker !== undefined || named.length > 0) {
    // Zoom is log2-scaled: 2^-Z time units per 200-pixel frame. Fit the span into 600 px (3 frames), the
    // wave pane of a default-sized window, so the marker is on screen.
    const zoom = span !== undefined && span > 0 ? -Math.log2((span * scale) / 3) : 0;
    const markers = [marker, ...Array.from({ length: 26 }, (_, i) => named[i])].map((m) => (m === undefined ? -1 : Math.round(m * scale)));
    lines.push(`*${zoom.toFixed(6)} ${markers.join(' ')}`);
  }
  for (const root of layout.roots) lines.push(`[treeopen] ${root.path}.`);

  let budget = maxSignals;
  let omitted = 0;
  const listed = new Set<Signal<any>>();
  const trace = (slot: Slot, name: string, extraFlags = 0): boolean => {
    if (budget === 0) {
      omitted++;
      return false;
    }
    budget--;
    listed.add(slot.signal);
    if (slot.type === 'integer' || slot.type === 'real') {
      const flags = (slot.type === 'integer' ? FLAG_INTEGER : FLAG_REAL) | extraFlags;
      lines.push(`@${flags.toString(16)}`, name, `@${(FLAG_STRETCH | extraFlags).toString(16)}`, '-');
    } else {
      lines.push(`@${((slot.size > 1 ? FLAG_VECTOR : FLAG_BIT) | extraFlags).toString(16)}`, name);
    }
    return true;
  };

  for (const clk of design.clocks) {
    const slot = layout.slotOf.get(clk);
    if (slot && !listed.has(clk)) trace(slot, slotViewerName(slot));
  }
  const group = (scope: ScopeDecl): void => {
    const own = scope.vars.filter((v) => !v.isPort && !listed.has(v.slot.signal));
    if (own.length > 0 && budget > 0) {
      const label = `-${scope.path}`;
      // Big scopes (long register chains) start folded so the view stays readable; one click opens them.
      const fold = own.length > (options.foldAbove ?? 24) ? F.closed | F.collapsed : 0;
      lines.push(`@${(FLAG_GROUP_BEGIN | fold).toString(16)}`, label);
      for (const v of own) trace(v.slot, viewerName(scope, v), fold && F.collapsed);
      lines.push(`@${(FLAG_GROUP_END | fold).toString(16)}`, label);
    } else {
      omitted += own.length;
    }
    for (const c of scope.children) group(c);
  };
  for (const root of layout.roots) group(root);
  if (omitted > 0) lines.push(`[*] ${omitted} more signal(s) not listed (maxSignals ${maxSignals})`);
  return lines.join('\n') + '\n';
}

/** Write the save file beside the dump (or at `options.savefile`); returns its path. */
export function writeGtkw(design: DesignView, options: GtkwOptions): string {
  const file = options.savefile ?? gtkwPathFor(options.dumpfile);
  fs.writeFileSync(file, gtkwText(design, { ...options, savefile: file }), 'latin1');
  return file;
}

/** File names go between double quotes; keep them printable ASCII without quotes. */
function quote(name: string): string {
  return name.replace(/[^\x20-\x7e]|"/g, '_');
}
