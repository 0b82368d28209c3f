// FR-FCFS command selection for one DRAM cycle (outside refresh), at most one command (one command bus):
//   - which queue: reads, unless the write queue holds >= writeHighWatermark requests, or no read is
//     queued, or the oldest write has waited writeMaxWait cycles (write drain); the drain lasts until
//     writes fall to writeLowWatermark with reads waiting and no write that old, or the write queue empties;
//   - first ready: the oldest row hit of that queue whose RD/WR is legal now;
//   - else first come: the oldest request of each bank may issue its row command (ACT if the bank is
//     closed, PRE if another row is open and no queued request of this queue hits that row); the first
//     legal one in age order issues.
// Starvation cap: once a bank has served rowHitCap column commands since its ACT while an older request
// waits for another of its rows, younger hits stop and the PRE may go.
// The scheduler only chooses; the controller issues the command and updates the bank state and queues.
import { DramCmd, type DramCmdCode } from './dram-command.ts';
import type { DramBankState } from './dram-bank-state.ts';
import type { WritePolicy } from './dram-options.ts';
import type { DramQueues } from './dram-queues.ts';
import type { DramRequest } from './dram-request.ts';

export class FrFcfsScheduler {
  /** The command choose() picked (RD, WR, ACT or PRE), its request and that request's queue index. */
  cmd: DramCmdCode = DramCmd.NOP;
  request: DramRequest | null = null;
  index = -1;

  /** Serving the write queue (a write drain) rather than the read queue. */
  private writeMode = false;
  // Per-bank scratch of one scan: whether the bank's oldest request (this scan) conflicts with its open row.
  private readonly seen: Int32Array;
  private readonly oldestConflict: Uint8Array;
  private scanId = 0;

  constructor(
    private readonly queues: DramQueues,
    private readonly banks: DramBankState,
    private readonly policy: WritePolicy,
  ) {
    this.seen = new Int32Array(banks.nBanks);
    this.oldestConflict = new Uint8Array(banks.nBanks);
  }

  /**
   * Choose the command for cycle c. Returns -1 if one is legal now (then `cmd`, `request` and `index` say
   * which), else the earliest cycle at which one of the current candidates could issue (Infinity if none).
   */
  choose(c: number): number {
    const { read: readQ, write: writeQ } = this.queues;
    const { writeHighWatermark: wHigh, writeLowWatermark: wLow, writeMaxWait, rowHitCap: cap } = this.policy;
    const R = readQ.length;
    const W = writeQ.length;
    // A write that has waited writeMaxWait keeps (or puts) the controller in write mode until it is served.
    const aged = W > 0 && c - writeQ[0]!.queuedCycle >= writeMaxWait;
    if (this.writeMode) {
      if (W === 0 || (W <= wLow && R > 0 && !aged)) this.writeMode = false;
    } else if (W >= wHigh || (W > 0 && (R === 0 || aged))) {
      this.writeMode = true;
    }
    const isWrite = this.writeMode;
    const q = isWrite ? writeQ : readQ;
    if (q.length === 0) return Infinity;
    const hits = isWrite ? this.queues.writeHits : this.queues.readHits;
    const banks = this.banks;
    const openRow = banks.openRow;
    const streak = banks.columnsSinceAct;
    const scan = ++this.scanId;
    let rowPick = -1;
    let earliest = Infinity;
    for (let i = 0; i < q.length; i++) {
      const r = q[i]!;
      const b = r.flatBank;
      const open = openRow[b]!;
      let first = false;
      if (this.seen[b] !== scan) {
        this.seen[b] = scan;
        first = true;
        this.oldestConflict[b] = open >= 0 && open !== r.row ? 1 : 0;
      }
      if (open === r.row) {
        // Row hit. Younger hits may pass an older request for another row of this bank, but only `cap` times.
        if (this.oldestConflict[b] && streak[b]! >= cap) continue;
        const t = banks.columnAt(b, r.bankGroup, isWrite);
        if (t <= c) return this.pick(isWrite ? DramCmd.WR : DramCmd.RD, r, i);
        if (t < earliest) earliest = t;
      } else if (first && rowPick < 0) {
        let t: number;
        if (open < 0) {
          t = banks.activateAt(b, r.bankGroup);
        } else {
          // Keep the row open while hits for it are queued (they are served first), up to the cap.
          if (hits[b]! > 0 && streak[b]! < cap) continue;
          t = banks.prechargeAt(b);
        }
        if (t <= c) rowPick = i;
        else if (t < earliest) earliest = t;
      }
    }
    if (rowPick < 0) return earliest;
    const r = q[rowPick]!;
    return this.pick(openRow[r.flatBank]! < 0 ? DramCmd.ACT : DramCmd.PRE, r, rowPick);
  }

  /** While reads are served with writes queued: the cycle at which the oldest write reaches the drain age. */
  writeAgeLimitAt(): number {
    const writeQ = this.queues.write;
    return !this.writeMode && writeQ.length > 0 ? writeQ[0]!.queuedCycle + this.policy.writeMaxWait : Infinity;
  }

  private pick(cmd: DramCmdCode, r: DramRequest, index: number): -1 {
    this.cmd = cmd;
    this.request = r;
    this.index = index;
    return -1;
  }
}
