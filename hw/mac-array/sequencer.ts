/**
 * The array controller's schedule: one op per busy clock cycle, fold after fold, phase after phase.
 * Shared by data and timing mode, so both give the same cycle count by construction; the PE grid
 * (data mode only) just executes the op's control code.
 */
import { foldPhases, PHASES, type Fold } from './folds.ts';
import type { ArrayConfig, Gemm } from './layer.ts';

/** Control codes broadcast to every PE (3-bit `ctl` signal). */
export const CTL_NOP = 0;
/** ws: weights shift down one row. */
export const CTL_LOAD = 1;
/** Multiply-accumulate with operands from the left / top neighbours (or the array edge). */
export const CTL_MAC = 2;
/** os: first MAC of a fold: the accumulators restart from the product. */
export const CTL_FIRST = 3;
/** os: accumulators shift down one row towards the bottom edge. */
export const CTL_DRAIN = 4;

/** One cycle's work; reused objects, so the hot path allocates nothing. */
export class Op {
  valid = false;
  ctl = CTL_NOP;
  /** Index into PHASES. */
  phase = 0;
  /** Cycle within the phase group: load (ws), fill+stream+drain (ws), fill+stream (os), drain (os). */
  j = 0;
  fold: Fold | null = null;

  copyFrom(o: Op): void {
    this.valid = o.valid;
    this.ctl = o.ctl;
    this.phase = o.phase;
    this.j = o.j;
    this.fold = o.fold;
  }
}

export class Sequencer {
  private f = 0;
  private phase = 0;
  private t = 0;
  private j = 0;
  private len = [0, 0, 0, 0];

  constructor(
    private readonly cfg: ArrayConfig,
    private readonly g: Gemm,
    private readonly folds: readonly Fold[],
  ) {
    this.enterFold();
  }

  /** Fill `op` with the next cycle's work; false (and op.valid = false) once every fold is done. */
  next(op: Op): boolean {
    const ws = this.cfg.dataflow === 'ws';
    while (this.f < this.folds.length) {
      if (this.t < this.len[this.phase]!) {
        const p = PHASES[this.phase]!;
        op.valid = true;
        op.phase = this.phase;
        op.fold = this.folds[this.f]!;
        op.j = this.j;
        if (ws) op.ctl = p === 'load' ? CTL_LOAD : CTL_MAC;
        else op.ctl = p === 'drain' ? CTL_DRAIN : this.j === 0 ? CTL_FIRST : CTL_MAC;
        this.t++;
        this.j++;
        return true;
      }
      this.t = 0;
      if (++this.phase === PHASES.length) {
        this.f++;
        this.enterFold();
      } else if (PHASES[this.phase] === 'fill' || (!ws && PHASES[this.phase] === 'drain')) {
        this.j = 0;
      }
    }
    op.valid = false;
    op.fold = null;
    return false;
  }

  private enterFold(): void {
    this.phase = 0;
    this.j = 0;
    const fold = this.folds[this.f];
    if (!fold) return;
    const p = foldPhases(this.cfg, this.g, fold);
    this.len = PHASES.map((name) => p[name]);
  }
}
