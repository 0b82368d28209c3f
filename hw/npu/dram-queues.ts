// The controller's transaction queues: an inbox for requests submitted since its last edge, the read and
// write queues (oldest first), admission control, and per bank the number of queued requests that hit
// its open row (kept up to date incrementally so the scheduler's PRE decision costs O(1)).
import type { DramOp, DramRequest } from './dram-request.ts';

export class DramQueues {
  readonly read: DramRequest[] = [];
  readonly write: DramRequest[] = [];
  /** Queued requests of each queue that hit the bank's open row. */
  readonly readHits: Int32Array;
  readonly writeHits: Int32Array;

  private inbox: DramRequest[] = [];
  private inboxReads = 0;
  private inboxWrites = 0;
  // Requests removed at `removedAt` stay counted for canAccept() during that time step, so that the
  // answer does not depend on whether the client's process ran before or after the controller's.
  private removedAt = -1;
  private removedReads = 0;
  private removedWrites = 0;

  constructor(
    readonly readDepth: number,
    readonly writeDepth: number,
    nBanks: number,
  ) {
    this.readHits = new Int32Array(nBanks);
    this.writeHits = new Int32Array(nBanks);
  }

  /** Whether a request of this kind submitted at time step `now` would fit. */
  canAccept(op: DramOp, now: number): boolean {
    if (op === 'read') {
      const removed = this.removedAt === now ? this.removedReads : 0;
      return this.read.length + this.inboxReads + removed < this.readDepth;
    }
    const removed = this.removedAt === now ? this.removedWrites : 0;
    return this.write.length + this.inboxWrites + removed < this.writeDepth;
  }

  /** Take a submitted request (the caller has checked canAccept). */
  submit(r: DramRequest): void {
    this.inbox.push(r);
    if (r.op === 'read') this.inboxReads++;
    else this.inboxWrites++;
  }

  get inboxLength(): number {
    return this.inbox.length;
  }

  /** Requests queued or in the inbox (not yet issued). */
  get pending(): number {
    return this.read.length + this.write.length + this.inbox.length;
  }

  /**
   * Move requests submitted before time step `now` into their queues, at DRAM cycle `cycle`; requests
   * submitted in this time step wait for the next edge. Returns whether any moved.
   */
  absorb(now: number, cycle: number, openRow: Int32Array): boolean {
    const box = this.inbox;
    let k = 0;
    for (; k < box.length; k++) {
      const r = box[k]!;
      if (r.arrivalTime >= now) break;
      const b = r.flatBank;
      r.queuedCycle = cycle;
      if (r.op === 'read') {
        this.read.push(r);
        this.inboxReads--;
        if (openRow[b] === r.row) this.readHits[b]!++;
      } else {
        this.write.push(r);
        this.inboxWrites--;
        if (openRow[b] === r.row) this.writeHits[b]!++;
      }
    }
    if (k === 0) return false;
    this.inbox = k === box.length ? [] : box.slice(k);
    return true;
  }

  /** Remove the row hit at `index` of the read (or write) queue, whose RD/WR issues at time step `now`. */
  take(index: number, isWrite: boolean, now: number): void {
    if (this.removedAt !== now) {
      this.removedAt = now;
      this.removedReads = this.removedWrites = 0;
    }
    if (isWrite) {
      this.writeHits[this.write.splice(index, 1)[0]!.flatBank]!--;
      this.removedWrites++;
    } else {
      this.readHits[this.read.splice(index, 1)[0]!.flatBank]!--;
      this.removedReads++;
    }
  }

  /** Bank b opened `row`: count the queued requests that now hit. */
  activated(b: number, row: number): void {
    this.readHits[b] = countHits(this.read, b, row);
    this.writeHits[b] = countHits(this.write, b, row);
  }

  /** Bank b closed: nothing hits it. */
  precharged(b: number): void {
    this.readHits[b] = 0;
    this.writeHits[b] = 0;
  }
}

function countHits(q: DramRequest[], bank: number, row: number): number {
  let n = 0;
  for (let i = 0; i < q.length; i++) {
    const r = q[i]!;
    if (r.flatBank === bank && r.row === row) n++;
  }
  return n;
}
