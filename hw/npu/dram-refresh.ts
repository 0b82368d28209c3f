// All-bank refresh, due every tREFI from the start. While due it owns the command bus: open banks close
// one PRE per cycle (lowest bank first, each once its PRE is legal), then REF issues once tRP / tRC have
// elapsed in every bank; every bank's next ACT is then >= tRFC later (DramBankState.refresh).
// Not modelled: PREA, per-bank refresh (LPDDR4), postponing.
import type { DramBankState } from './dram-bank-state.ts';

export class DramRefresh {
  /** A refresh is due and not done yet; the scheduler waits meanwhile. */
  pending = false;
  /** The bank choose() picked to precharge, or -1 for REF. */
  bank = -1;
  private nextDue: number;

  constructor(
    private readonly tREFI: number,
    readonly enabled: boolean,
  ) {
    this.nextDue = tREFI;
  }

  /** Whether refresh work owns cycle c. */
  due(c: number): boolean {
    if (this.enabled && c >= this.nextDue) this.pending = true;
    return this.pending;
  }

  /**
   * Choose the refresh command for cycle c. Returns -1 if one is legal now (a PRE of `bank`, or REF when
   * `bank` is -1), else the earliest cycle at which one could issue.
   */
  choose(c: number, banks: DramBankState): number {
    if (banks.openBanks > 0) {
      let earliest = Infinity;
      for (let b = 0; b < banks.nBanks; b++) {
        if (banks.openRow[b]! < 0) continue;
        const t = banks.prechargeAt(b);
        if (t <= c) {
          this.bank = b;
          return -1;
        }
        if (t < earliest) earliest = t;
      }
      return earliest;
    }
    const t = banks.refreshAt();
    if (t > c) return t;
    this.bank = -1;
    return -1;
  }

  /** REF issued: the next one is due tREFI after this one was. */
  issued(): void {
    this.nextDue += this.tREFI;
    this.pending = false;
  }

  /** The cycle at which refresh next needs the controller (Infinity if off or already pending). */
  wakeAt(): number {
    return this.enabled && !this.pending ? this.nextDue : Infinity;
  }
}
