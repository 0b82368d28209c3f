// The state of one DRAM rank that decides which command is legal when: each bank's open row and the
// earliest DRAM cycle at which it may take an ACT, a RD/WR or a PRE, plus the bank-group and rank limits
// (tCCD, tRRD, tWTR, the tFAW window). Each issued command pushes forward the times it constrains, so a
// legality check is a max of a few numbers and the controller can sleep until the earliest of them.
// The rules (docs/npu-memory.md "Timing rules") are at the update functions; dram-checker.ts re-checks
// a command log against them independently.
import { banksPerRank, burstTCK, type DramParams } from './dram-params.ts';

/** "Long ago": no command has constrained this yet. */
const NEVER = -1e15;

export class DramBankState {
  readonly nBanks: number;
  /** Cycles from a RD to its last data beat (CL + BL/2), and from a WR to its last data beat (CWL + BL/2). */
  readonly readDataEnd: number;
  readonly writeDataEnd: number;
  /** Open row of each bank, -1 if closed. */
  readonly openRow: Int32Array;
  openBanks = 0;
  /** Column commands each bank has served since its ACT (the scheduler's row-hit cap). */
  readonly columnsSinceAct: Int32Array;

  // Per bank: the earliest cycle of each command.
  private readonly actReady: Float64Array;
  private readonly colReady: Float64Array;
  private readonly preReady: Float64Array;
  // Per bank group and rank.
  private readonly nextActG: Float64Array;
  private readonly nextRdG: Float64Array;
  private readonly nextWrG: Float64Array;
  private nextAct = NEVER;
  private nextRd = NEVER;
  private nextWr = NEVER;
  /** Cycles of the last four ACTs (ring); faw[fawIdx] is the oldest of them. */
  private readonly faw = [NEVER, NEVER, NEVER, NEVER];
  private fawIdx = 0;
  /** RD -> WR on the rank, in cycles. */
  private readonly rdToWr: number;

  constructor(private readonly p: DramParams) {
    this.nBanks = banksPerRank(p) * p.ranks;
    if (p.ranks !== 1) throw new Error(`ranks: the controller models one rank, got ${p.ranks}`);
    this.readDataEnd = p.CL + burstTCK(p);
    this.writeDataEnd = p.CWL + burstTCK(p);
    // The write's data (CWL later) must start 2 tCK after the read data ends (CL + BL/2), one for the
    // write preamble and one for the bus to turn around.
    this.rdToWr = p.CL + burstTCK(p) + 2 - p.CWL;
    const n = this.nBanks;
    this.openRow = new Int32Array(n).fill(-1);
    this.columnsSinceAct = new Int32Array(n);
    this.actReady = new Float64Array(n).fill(NEVER);
    this.colReady = new Float64Array(n).fill(NEVER);
    this.preReady = new Float64Array(n).fill(NEVER);
    this.nextActG = new Float64Array(p.bankGroups).fill(NEVER);
    this.nextRdG = new Float64Array(p.bankGroups).fill(NEVER);
    this.nextWrG = new Float64Array(p.bankGroups).fill(NEVER);
  }

  // ---- earliest legal cycle of each command ----------------------------------------------------------

  /** RD (or WR) to the open row of bank b in group g. */
  columnAt(b: number, g: number, isWrite: boolean): number {
    return isWrite
      ? Math.max(this.colReady[b]!, this.nextWr, this.nextWrG[g]!)
      : Math.max(this.colReady[b]!, this.nextRd, this.nextRdG[g]!);
  }

  /** ACT to closed bank b in group g (including the tFAW window). */
  activateAt(b: number, g: number): number {
    return Math.max(this.actReady[b]!, this.nextAct, this.nextActG[g]!, this.faw[this.fawIdx]! + this.p.tFAW);
  }

  /** PRE of open bank b. */
  prechargeAt(b: number): number {
    return this.preReady[b]!;
  }

  /** REF, once every bank is closed: tRP after each PRE and tRC after each ACT, i.e. the latest ACT time. */
  refreshAt(): number {
    let t = NEVER;
    for (let b = 0; b < this.nBanks; b++) if (this.actReady[b]! > t) t = this.actReady[b]!;
    return t;
  }

  // ---- command issue: each pushes forward the earliest-issue times it constrains ----------------------

  /**
   * RD: data on the bus CL .. CL+BL/2 after the command. Next RD >= tCCD_S (rank), tCCD_L (same group);
   * next WR >= CL + BL/2 + 2 - CWL (turnaround); PRE of this bank >= tRTP.
   * WR: data CWL .. CWL+BL/2 after. Next WR >= tCCD_S / tCCD_L; next RD >= CWL + BL/2 + tWTR_S (other
   * group) / tWTR_L (same group); PRE of this bank >= CWL + BL/2 + tWR (write recovery).
   */
  column(c: number, b: number, g: number, isWrite: boolean): void {
    const p = this.p;
    this.columnsSinceAct[b]!++;
    if (isWrite) {
      this.nextWr = Math.max(this.nextWr, c + p.tCCD_S);
      this.nextWrG[g] = Math.max(this.nextWrG[g]!, c + p.tCCD_L);
      const end = c + this.writeDataEnd;
      this.nextRd = Math.max(this.nextRd, end + p.tWTR_S);
      this.nextRdG[g] = Math.max(this.nextRdG[g]!, end + p.tWTR_L);
      this.preReady[b] = Math.max(this.preReady[b]!, end + p.tWR);
    } else {
      this.nextRd = Math.max(this.nextRd, c + p.tCCD_S);
      this.nextRdG[g] = Math.max(this.nextRdG[g]!, c + p.tCCD_L);
      this.nextWr = Math.max(this.nextWr, c + this.rdToWr);
      this.preReady[b] = Math.max(this.preReady[b]!, c + p.tRTP);
    }
  }

  /**
   * ACT: RD/WR of this bank >= tRCD; PRE >= tRAS; next ACT of this bank >= tRC; next ACT of the rank
   * >= tRRD_S, of the same group >= tRRD_L; and at most 4 ACTs in any tFAW window (ring of the last 4).
   */
  activate(c: number, b: number, g: number, row: number): void {
    const p = this.p;
    this.openRow[b] = row;
    this.openBanks++;
    this.columnsSinceAct[b] = 0;
    this.colReady[b] = c + p.tRCD;
    this.preReady[b] = Math.max(this.preReady[b]!, c + p.tRAS);
    this.actReady[b] = Math.max(this.actReady[b]!, c + p.tRC);
    this.nextAct = c + p.tRRD_S;
    this.nextActG[g] = c + p.tRRD_L;
    this.faw[this.fawIdx] = c;
    this.fawIdx = (this.fawIdx + 1) & 3;
  }

  /** PRE: next ACT of this bank >= tRP. Returns the row it closed. */
  precharge(c: number, b: number): number {
    const row = this.openRow[b]!;
    this.openRow[b] = -1;
    this.openBanks--;
    this.actReady[b] = Math.max(this.actReady[b]!, c + this.p.tRP);
    return row;
  }

  /** REF (all banks closed): every bank is busy for tRFC; the next ACT anywhere waits for it. */
  refresh(c: number): void {
    for (let b = 0; b < this.nBanks; b++) this.actReady[b] = c + this.p.tRFC;
  }
}
