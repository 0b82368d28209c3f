import { SimError } from '../sim/errors.ts';
import type { Signal } from '../sim/signal.ts';
import type { DesignView, TraceSink } from '../sim/trace.ts';
import { writeGtkw } from './gtkw-writer.ts';
import type { ScopeFilterOptions } from './scope-filter.ts';
import { VcdWriter, type VcdWriterOptions } from './vcd-writer.ts';

/** Cycles of the fastest clock the GTKWave view shows when it opens. */
const VIEW_CYCLES = 48;

export interface WaveFilesOptions extends ScopeFilterOptions {
  /** The VCD path; the `.gtkw` view goes beside it. */
  vcd: string;
  /** Extra VcdWriter options (date, window, gzip, ...). */
  writer?: Omit<VcdWriterOptions, 'path' | 'stream' | keyof ScopeFilterOptions>;
  /** Write the `.gtkw` save file (default true). */
  gtkw?: boolean;
}

/**
 * The trace sink every command uses: a streaming VCD plus a GTKWave save file beside it. When the
 * simulation ends with an error (e.g. a deadlock), the view is rewritten with its primary marker on the
 * failure time, so GTKWave opens on the moment things went wrong.
 */
export class WaveFiles implements TraceSink {
  readonly writer: VcdWriter;
  private design: DesignView | null = null;
  /** Path of the `.gtkw` written, once open. */
  gtkwPath: string | null = null;

  constructor(private readonly options: WaveFilesOptions) {
    const { vcd, writer, gtkw: _gtkw, ...filter } = options;
    this.writer = new VcdWriter({ ...writer, ...filter, path: vcd });
  }

  open(design: DesignView): void {
    this.writer.open(design);
    this.design = design;
    this.writeView();
  }

  step(time: number, changed: readonly Signal<any>[], count: number): void {
    this.writer.step(time, changed, count);
  }

  async close(time: number, error?: Error): Promise<void> {
    await this.writer.close(time, error);
    // The view's marker goes on the failure itself (a deadlock is detected before the run ends).
    if (error) this.writeView(error instanceof SimError && error.time !== undefined ? error.time : time);
  }

  /**
   * The view opens on about VIEW_CYCLES cycles of the fastest clock: from time 0, or ending on the failure
   * marker, so handshakes are readable instead of a whole run squeezed into one screen.
   */
  private writeView(marker?: number): void {
    if (this.options.gtkw === false || this.design === null) return;
    const { vcd, writer: _w, gtkw: _g, ...filter } = this.options;
    const periods = this.design.clockPeriods ?? [];
    const span = periods.length ? Math.min(...periods) * VIEW_CYCLES : undefined;
    this.gtkwPath = writeGtkw(this.design, {
      ...filter,
      dumpfile: vcd,
      layout: this.writer.declared ?? undefined,
      ...(span === undefined ? {} : { span }),
      // The marker sits at a quarter of the view. (GTKWave ignores a saved start later than the end of the
      // dump minus one screen: the watchdog lets the run go on a little after a deadlock for this.)
      ...(marker === undefined ? {} : { marker, timeStart: Math.max(0, marker - (span ?? marker) / 4) }),
    });
  }
}
