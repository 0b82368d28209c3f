// A cycle-accurate open-page DRAM controller for one channel and rank, in its own clock domain (tCK).
// Timing model: see docs/npu-memory.md "DramController". The constraints it honours are listed at
// the issue functions below; dram-checker.ts re-checks a command log against them independently.
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { DramAddressMap, DEFAULT_MAPPING, type DramCoord } from './dram-address.ts';
import {
  banksPerRank,
  burstBytes,
  burstTCK,
  getDramParams,
  peakBandwidthBytesPerSec,
  validateDramParams,
  type DramName,
  type DramParams,
} from './dram-params.ts';

export type DramOp = 'read' | 'write';
/** How a request found its bank: row open (hit), bank closed (miss: ACT), other row open (conflict: PRE + ACT). */
export type RowOutcome = 'hit' | 'miss' | 'conflict';

/** DRAM commands, as traced on the `cmd` signal. */
export const DramCmd = { NOP: 0, ACT: 1, PRE: 2, RD: 3, WR: 4, REF: 5 } as const;
export type DramCmdCode = (typeof DramCmd)[keyof typeof DramCmd];
export const DRAM_CMD_NAMES = ['NOP', 'ACT', 'PRE', 'RD', 'WR', 'REF'] as const;

/** One issued command, for the independent checker and for debugging. `bank` is -1 for REF. */
export interface DramCommand {
  cycle: number;
  cmd: DramCmdCode;
  bank: number;
  row: number;
}

/** One burst-sized transaction. Clients poll `controller.isDone(req)`; timing fields are filled by the controller. */
export class DramRequest implements DramCoord {
  row = 0;
  bankGroup = 0;
  bank = 0;
  column = 0;
  /** Flat bank index bankGroup x banksPerGroup + bank. */
  flatBank = 0;
  outcome: RowOutcome | null = null;
  /** DRAM cycle at which the controller registered it (left the inbox), -1 before. */
  queuedCycle = -1;
  /** DRAM cycle of the RD/WR command, -1 until issued. */
  issueCycle = -1;
  /** Time step at which the last data beat has crossed the bus (Infinity until the RD/WR issues). */
  doneAt = Infinity;

  constructor(
    readonly id: number,
    readonly op: DramOp,
    readonly addr: number,
    /** Time step of submit(); the controller sees the request at its first rising edge strictly later. */
    readonly arrivalTime: number,
    /** Anything the client wants back (e.g. a DMA descriptor). */
    readonly tag: unknown,
  ) {}
}

export interface DramControllerOptions {
  /** Parameter set or its name (default ddr4-3200). */
  params?: DramParams | DramName;
  /** Address mapping, MSB first (default row:bank:column:bankgroup); see dram-address.ts. */
  mapping?: string;
  /** Read and write transaction queue depths (default 32 each). */
  readQueueDepth?: number;
  writeQueueDepth?: number;
  /** Write drain starts at this many queued writes (default 3/4 of the write queue)... */
  writeHighWatermark?: number;
  /** ...and stops at this many, if reads wait (default 1/4). */
  writeLowWatermark?: number;
  /**
   * Start a write drain when the oldest queued write has waited this many DRAM cycles, even below the high
   * watermark (default 1024, 640 ns), so that a few writes are not starved by an endless read stream.
   */
  writeMaxWait?: number;
  /** Row hits served to younger requests while an older one waits for another row of the bank (default 4). */
  rowHitCap?: number;
  /** Issue all-bank refresh every tREFI (default true). */
  refresh?: boolean;
  /** Use this clock (its period must be tCK); by default the controller makes its own `clk`. */
  clock?: Signal<number>;
  /** Record every command in `commandLog` (for dram-checker.ts; costs memory). */
  logCommands?: boolean;
  /**
   * Sleep through cycles in which no command can issue (default true). false runs the scheduler every
   * cycle: same commands, slower; tests use it to show that sleeping changes nothing.
   */
  sleep?: boolean;
}

/** Counters. Bytes are whole bursts. Latency is from submit() to the last data beat, in time steps. */
export interface DramStats {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  rowHits: number;
  rowMisses: number;
  rowConflicts: number;
  activates: number;
  precharges: number;
  refreshes: number;
  /** Times the scheduler switched between read and write bursts (each costs a bus turnaround). */
  turnarounds: number;
  /** DRAM cycles simulated so far. */
  cycles: number;
  /** Sum and maximum of request latencies, in time steps. */
  latencySum: number;
  latencyMax: number;
  firstArrival: number;
  lastDone: number;
}

const NEVER = -1e15;

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`DramController ${name}: expected a positive integer, got ${v}`);
  return v;
}

/**
 * FR-FCFS open-page controller. Per rising edge of its clock (one DRAM cycle) it:
 *   1. moves requests submitted at earlier time steps from the inbox to the read or write queue;
 *   2. if refresh is due, precharges open banks (one PRE per cycle) and then issues REF;
 *   3. otherwise picks the queue to serve (reads; writes while draining: from writeHighWatermark queued
 *      writes, or when no read waits, or when the oldest write has waited writeMaxWait cycles, down to
 *      writeLowWatermark) and issues at most one
 *      command: the oldest row hit whose RD/WR is timing-legal now; else the oldest legal ACT (closed
 *      bank) or PRE (other row open, no row hits pending for it) of the oldest request of each bank.
 * It keeps, per bank, group and rank, the earliest cycle each command may issue, so an idle or blocked
 * cycle costs O(1): after a cycle without a command it sleeps until the earliest such time.
 */
export class DramController extends Module {
  readonly params: DramParams;
  readonly map: DramAddressMap;
  readonly clk: Signal<number>;
  /** Command issued at this edge (DramCmd), the bank it addressed, queue occupancies. */
  readonly cmd: Signal;
  readonly cmdBank: Signal;
  readonly rdq: Signal;
  readonly wrq: Signal;
  readonly stats: DramStats;
  readonly commandLog: DramCommand[] | null;
  readonly readQueueDepth: number;
  readonly writeQueueDepth: number;
  /** Clock period in time steps (tCK). */
  readonly period: number;

  private readonly p: DramParams;
  private readonly nBanks: number;
  private readonly bpg: number;
  private readonly burst: number;
  private readonly rdDone: number; // CL + BL/2
  private readonly wrDataEnd: number; // CWL + BL/2
  private readonly rdToWr: number;
  private readonly hitCap: number;
  private readonly wHigh: number;
  private readonly wLow: number;
  private readonly wMaxWait: number;
  private readonly refreshOn: boolean;
  private readonly sleepOn: boolean;

  // Per bank: open row (-1 closed) and the earliest cycle of each command.
  private readonly openRow: Int32Array;
  private readonly actReady: Float64Array;
  private readonly colReady: Float64Array;
  private readonly preReady: Float64Array;
  private readonly hitStreak: Int32Array;
  /** Queued requests of each queue that hit the bank's open row. */
  private readonly hitsR: Int32Array;
  private readonly hitsW: Int32Array;
  private readonly seen: Int32Array;
  private readonly oldestConflict: Uint8Array;
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
  private openBanks = 0;

  private readonly readQ: DramRequest[] = [];
  private readonly writeQ: DramRequest[] = [];
  private inbox: DramRequest[] = [];
  private inboxReads = 0;
  private inboxWrites = 0;
  // Requests removed at `removedAt` stay counted for canAccept() during that time step, so that the
  // answer does not depend on whether the client's process ran before or after ours.
  private removedAt = -1;
  private removedReads = 0;
  private removedWrites = 0;

  private cycle = 0;
  private wakeAt = 0;
  private writeMode = false;
  private lastColWasWrite = false;
  private anyColumn = false;
  private refreshPending = false;
  private nextRefreshDue: number;
  private scanId = 0;
  private nextId = 0;
  private cmdTraced = 0;

  constructor(parent: Module, name: string, options: DramControllerOptions = {}) {
    super(parent, name);
    const params = typeof options.params === 'string' || options.params === undefined
      ? getDramParams(options.params ?? 'ddr4-3200')
      : validateDramParams(options.params);
    this.params = this.p = params;
    this.map = new DramAddressMap(params, options.mapping ?? DEFAULT_MAPPING);
    this.readQueueDepth = positiveInt('readQueueDepth', options.readQueueDepth ?? 32);
    this.writeQueueDepth = positiveInt('writeQueueDepth', options.writeQueueDepth ?? 32);
    this.wHigh = positiveInt('writeHighWatermark', options.writeHighWatermark ?? Math.max(1, Math.ceil((this.writeQueueDepth * 3) / 4)));
    this.wLow = options.writeLowWatermark ?? Math.floor(this.writeQueueDepth / 4);
    if (!Number.isSafeInteger(this.wLow) || this.wLow < 0 || this.wLow >= this.wHigh || this.wHigh > this.writeQueueDepth) {
      throw new Error(
        `DramController writeLowWatermark/writeHighWatermark: expected 0 <= low < high <= writeQueueDepth (${this.writeQueueDepth}), got ${this.wLow}/${this.wHigh}`,
      );
    }
    this.hitCap = positiveInt('rowHitCap', options.rowHitCap ?? 4);
    this.wMaxWait = positiveInt('writeMaxWait', options.writeMaxWait ?? 1024);
    this.refreshOn = options.refresh ?? true;
    this.sleepOn = options.sleep ?? true;
    this.commandLog = options.logCommands ? [] : null;

    const stepsPerTck = this.sim.steps(params.tCK_ps, 'ps');
    if (options.clock) {
      this.clk = options.clock;
      this.period = this.sim.clockOf(options.clock).period;
      if (this.period !== stepsPerTck) {
        throw new Error(
          `DramController clock: expected a period of tCK = ${params.tCK_ps} ps (${stepsPerTck} steps) for ${params.name}, got ${this.period} steps`,
        );
      }
    } else {
      this.clk = this.sim.clock(this, 'clk', { period: params.tCK_ps, unit: 'ps', duty: halfDuty(stepsPerTck) });
      this.period = stepsPerTck;
    }

    this.nBanks = banksPerRank(params) * params.ranks;
    if (params.ranks !== 1) throw new Error(`ranks: the controller models one rank, got ${params.ranks}`);
    this.bpg = params.banksPerGroup;
    this.burst = burstBytes(params);
    this.rdDone = params.CL + burstTCK(params);
    this.wrDataEnd = params.CWL + burstTCK(params);
    // RD -> WR on the rank: the write's data (CWL later) must start 2 tCK after the read data ends
    // (CL + BL/2), one for the write preamble and one for the bus to turn around.
    this.rdToWr = params.CL + burstTCK(params) + 2 - params.CWL;
    this.nextRefreshDue = params.tREFI;

    const n = this.nBanks;
    this.openRow = new Int32Array(n).fill(-1);
    this.actReady = new Float64Array(n).fill(NEVER);
    this.colReady = new Float64Array(n).fill(NEVER);
    this.preReady = new Float64Array(n).fill(NEVER);
    this.hitStreak = new Int32Array(n);
    this.hitsR = new Int32Array(n);
    this.hitsW = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.oldestConflict = new Uint8Array(n);
    this.nextActG = new Float64Array(params.bankGroups).fill(NEVER);
    this.nextRdG = new Float64Array(params.bankGroups).fill(NEVER);
    this.nextWrG = new Float64Array(params.bankGroups).fill(NEVER);

    this.stats = {
      reads: 0,
      writes: 0,
      bytesRead: 0,
      bytesWritten: 0,
      rowHits: 0,
      rowMisses: 0,
      rowConflicts: 0,
      activates: 0,
      precharges: 0,
      refreshes: 0,
      turnarounds: 0,
      cycles: 0,
      latencySum: 0,
      latencyMax: 0,
      firstArrival: Infinity,
      lastDone: 0,
    };

    this.cmd = this.signal('cmd', 3);
    this.cmdBank = this.signal('cmd_bank', Math.max(1, Math.ceil(Math.log2(n + 1))));
    this.rdq = this.signal('rdq', 16, { traceAs: 'integer' });
    this.wrq = this.signal('wrq', 16, { traceAs: 'integer' });
    this.onRising(this.clk, () => this.tick());
  }

  // ---- client interface (call from any process, in any clock domain) --------------------------------

  /** Bytes per request (one burst). */
  get burstBytes(): number {
    return this.burst;
  }

  /** Whether submit(op, ...) would be accepted now. Independent of process order within a time step. */
  canAccept(op: DramOp): boolean {
    const now = this.sim.time;
    if (op === 'read') {
      const removed = this.removedAt === now ? this.removedReads : 0;
      return this.readQ.length + this.inboxReads + removed < this.readQueueDepth;
    }
    const removed = this.removedAt === now ? this.removedWrites : 0;
    return this.writeQ.length + this.inboxWrites + removed < this.writeQueueDepth;
  }

  /**
   * Queue one burst-aligned transaction; returns null if that queue is full. The controller considers it
   * from its first rising edge strictly after now (so at least one tCK of latency from its own domain).
   */
  submit(op: DramOp, addr: number, tag?: unknown): DramRequest | null {
    if (addr % this.burst !== 0) {
      throw new Error(`${this.path}: address ${addr} is not aligned to the ${this.burst}-byte burst`);
    }
    if (!this.canAccept(op)) return null;
    const r = new DramRequest(this.nextId++, op, addr, this.sim.time, tag);
    this.map.decode(addr, r);
    r.flatBank = r.bankGroup * this.bpg + r.bank;
    this.inbox.push(r);
    if (op === 'read') this.inboxReads++;
    else this.inboxWrites++;
    if (r.arrivalTime < this.stats.firstArrival) this.stats.firstArrival = r.arrivalTime;
    return r;
  }

  /** True once the request's last data beat has crossed the bus. */
  isDone(r: DramRequest): boolean {
    return r.doneAt <= this.sim.time;
  }

  /** Requests queued or in the inbox (not yet issued). */
  get pending(): number {
    return this.readQ.length + this.writeQ.length + this.inbox.length;
  }

  /** Achieved bandwidth in bytes/s from the first submit() to the last data beat. */
  bandwidth(): number {
    const s = this.stats;
    const span = s.lastDone - s.firstArrival;
    if (!(span > 0)) return 0;
    return (s.bytesRead + s.bytesWritten) / (span * this.secondsPerStep());
  }

  /** Mean latency from submit() to the last data beat, in ns. */
  meanLatencyNs(): number {
    const n = this.stats.reads + this.stats.writes;
    return n === 0 ? 0 : (this.stats.latencySum / n) * this.secondsPerStep() * 1e9;
  }

  maxLatencyNs(): number {
    return this.stats.latencyMax * this.secondsPerStep() * 1e9;
  }

  peakBandwidth(): number {
    return peakBandwidthBytesPerSec(this.p);
  }

  secondsPerStep(): number {
    return (this.p.tCK_ps * 1e-12) / this.period;
  }

  override blockedOn(): string | null {
    if (this.refreshPending) return `refresh pending (${this.openBanks} banks still open)`;
    return null;
  }

  // ---- the clocked process ---------------------------------------------------------------------

  private tick(): void {
    const c = ++this.cycle;
    this.stats.cycles = c;
    if (this.inbox.length > 0) this.absorb();
    if (c < this.wakeAt) {
      if (this.cmdTraced !== 0) this.traceCmd(0, 0);
      return;
    }
    if (this.refreshOn && c >= this.nextRefreshDue) this.refreshPending = true;
    const earliest = this.refreshPending ? this.refreshStep(c) : this.scheduleStep(c);
    if (earliest < 0 || !this.sleepOn) {
      this.wakeAt = c + 1;
      if (earliest >= 0 && this.cmdTraced !== 0) this.traceCmd(0, 0);
    } else {
      if (this.cmdTraced !== 0) this.traceCmd(0, 0);
      const refreshAt = this.refreshOn && !this.refreshPending ? this.nextRefreshDue : Infinity;
      // Reading with writes queued: wake when the oldest write's wait reaches the drain limit.
      const writeAt = !this.writeMode && this.writeQ.length > 0 ? this.writeQ[0]!.queuedCycle + this.wMaxWait : Infinity;
      this.wakeAt = Math.max(c + 1, Math.min(earliest, refreshAt, writeAt));
    }
  }

  /** Move requests submitted before this time step into their queues. */
  private absorb(): void {
    const now = this.sim.time;
    const box = this.inbox;
    let k = 0;
    for (; k < box.length; k++) {
      const r = box[k]!;
      if (r.arrivalTime >= now) break; // submitted in this time step: next edge
      const b = r.flatBank;
      r.queuedCycle = this.cycle;
      if (r.op === 'read') {
        this.readQ.push(r);
        this.inboxReads--;
        if (this.openRow[b] === r.row) this.hitsR[b]!++;
      } else {
        this.writeQ.push(r);
        this.inboxWrites--;
        if (this.openRow[b] === r.row) this.hitsW[b]!++;
      }
    }
    if (k === 0) return;
    this.inbox = k === box.length ? [] : box.slice(k);
    this.wakeAt = 0;
    this.traceQueues();
  }

  /** Refresh due: close every bank (one PRE per cycle), then REF once tRP / tRC have elapsed everywhere. */
  private refreshStep(c: number): number {
    let earliest = Infinity;
    if (this.openBanks > 0) {
      for (let b = 0; b < this.nBanks; b++) {
        if (this.openRow[b]! < 0) continue;
        const t = this.preReady[b]!;
        if (t <= c) {
          this.issuePre(c, b, null);
          return -1;
        }
        if (t < earliest) earliest = t;
      }
      return earliest;
    }
    let t = NEVER;
    for (let b = 0; b < this.nBanks; b++) if (this.actReady[b]! > t) t = this.actReady[b]!;
    if (t > c) return t;
    // REF: every bank is busy for tRFC; the next ACT anywhere waits for it.
    for (let b = 0; b < this.nBanks; b++) this.actReady[b] = c + this.p.tRFC;
    this.stats.refreshes++;
    this.nextRefreshDue += this.p.tREFI;
    this.refreshPending = false;
    this.emit(c, DramCmd.REF, -1, -1);
    return -1;
  }

  /** FR-FCFS over the queue being served. Returns -1 if a command issued, else the earliest cycle one could. */
  private scheduleStep(c: number): number {
    const R = this.readQ.length;
    const W = this.writeQ.length;
    // A write that has waited wMaxWait keeps (or puts) the controller in write mode until it is served.
    const aged = W > 0 && c - this.writeQ[0]!.queuedCycle >= this.wMaxWait;
    if (this.writeMode) {
      if (W === 0 || (W <= this.wLow && R > 0 && !aged)) this.writeMode = false;
    } else if (W >= this.wHigh || (W > 0 && (R === 0 || aged))) {
      this.writeMode = true;
    }
    const isWrite = this.writeMode;
    const q = isWrite ? this.writeQ : this.readQ;
    if (q.length === 0) return Infinity;
    const hits = isWrite ? this.hitsW : this.hitsR;
    const openRow = this.openRow;
    const scan = ++this.scanId;
    const cap = this.hitCap;
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
        if (this.oldestConflict[b] && this.hitStreak[b]! >= cap) continue;
        const g = r.bankGroup;
        const t = isWrite
          ? Math.max(this.colReady[b]!, this.nextWr, this.nextWrG[g]!)
          : Math.max(this.colReady[b]!, this.nextRd, this.nextRdG[g]!);
        if (t <= c) {
          q.splice(i, 1);
          this.issueColumn(c, r, isWrite);
          return -1;
        }
        if (t < earliest) earliest = t;
      } else if (first && rowPick < 0) {
        let t: number;
        if (open < 0) {
          const g = r.bankGroup;
          t = Math.max(this.actReady[b]!, this.nextAct, this.nextActG[g]!, this.faw[this.fawIdx]! + this.p.tFAW);
        } else {
          // Keep the row open while hits for it are queued (they are served first), up to the cap.
          if (hits[b]! > 0 && this.hitStreak[b]! < cap) continue;
          t = this.preReady[b]!;
        }
        if (t <= c) rowPick = i;
        else if (t < earliest) earliest = t;
      }
    }
    if (rowPick < 0) return earliest;
    const r = q[rowPick]!;
    if (openRow[r.flatBank]! < 0) this.issueAct(c, r);
    else this.issuePre(c, r.flatBank, r);
    return -1;
  }

  // ---- command issue: each updates the earliest-issue times it constrains --------------------------

  /**
   * RD: data on the bus CL .. CL+BL/2 after the command. Next RD >= tCCD_S (rank), tCCD_L (same group);
   * next WR >= CL + BL/2 + 2 - CWL (turnaround); PRE of this bank >= tRTP.
   * WR: data CWL .. CWL+BL/2 after. Next WR >= tCCD_S / tCCD_L; next RD >= CWL + BL/2 + tWTR_S (other
   * group) / tWTR_L (same group); PRE of this bank >= CWL + BL/2 + tWR (write recovery).
   */
  private issueColumn(c: number, r: DramRequest, isWrite: boolean): void {
    const p = this.p;
    const b = r.flatBank;
    const g = r.bankGroup;
    const s = this.stats;
    if (r.outcome === null) r.outcome = 'hit';
    if (r.outcome === 'hit') s.rowHits++;
    else if (r.outcome === 'miss') s.rowMisses++;
    else s.rowConflicts++;
    this.hitStreak[b]!++;
    if (this.anyColumn && this.lastColWasWrite !== isWrite) s.turnarounds++;
    this.anyColumn = true;
    this.lastColWasWrite = isWrite;
    const now = this.sim.time;
    if (this.removedAt !== now) {
      this.removedAt = now;
      this.removedReads = this.removedWrites = 0;
    }
    let doneCycles: number;
    if (isWrite) {
      this.hitsW[b]!--;
      this.removedWrites++;
      s.writes++;
      s.bytesWritten += this.burst;
      doneCycles = this.wrDataEnd;
      this.nextWr = Math.max(this.nextWr, c + p.tCCD_S);
      this.nextWrG[g] = Math.max(this.nextWrG[g]!, c + p.tCCD_L);
      const end = c + this.wrDataEnd;
      this.nextRd = Math.max(this.nextRd, end + p.tWTR_S);
      this.nextRdG[g] = Math.max(this.nextRdG[g]!, end + p.tWTR_L);
      this.preReady[b] = Math.max(this.preReady[b]!, end + p.tWR);
    } else {
      this.hitsR[b]!--;
      this.removedReads++;
      s.reads++;
      s.bytesRead += this.burst;
      doneCycles = this.rdDone;
      this.nextRd = Math.max(this.nextRd, c + p.tCCD_S);
      this.nextRdG[g] = Math.max(this.nextRdG[g]!, c + p.tCCD_L);
      this.nextWr = Math.max(this.nextWr, c + this.rdToWr);
      this.preReady[b] = Math.max(this.preReady[b]!, c + p.tRTP);
    }
    r.issueCycle = c;
    r.doneAt = now + doneCycles * this.period;
    const lat = r.doneAt - r.arrivalTime;
    s.latencySum += lat;
    if (lat > s.latencyMax) s.latencyMax = lat;
    if (r.doneAt > s.lastDone) s.lastDone = r.doneAt;
    this.progress();
    this.traceQueues();
    this.emit(c, isWrite ? DramCmd.WR : DramCmd.RD, b, r.row);
  }

  /**
   * ACT: RD/WR of this bank >= tRCD; PRE >= tRAS; next ACT of this bank >= tRC; next ACT of the rank
   * >= tRRD_S, of the same group >= tRRD_L; and at most 4 ACTs in any tFAW window (ring of the last 4).
   */
  private issueAct(c: number, r: DramRequest): void {
    const p = this.p;
    const b = r.flatBank;
    const g = r.bankGroup;
    if (r.outcome === null) r.outcome = 'miss';
    this.openRow[b] = r.row;
    this.openBanks++;
    this.colReady[b] = c + p.tRCD;
    this.preReady[b] = Math.max(this.preReady[b]!, c + p.tRAS);
    this.actReady[b] = Math.max(this.actReady[b]!, c + p.tRC);
    this.nextAct = c + p.tRRD_S;
    this.nextActG[g] = c + p.tRRD_L;
    this.faw[this.fawIdx] = c;
    this.fawIdx = (this.fawIdx + 1) & 3;
    this.hitStreak[b] = 0;
    this.hitsR[b] = countHits(this.readQ, b, r.row);
    this.hitsW[b] = countHits(this.writeQ, b, r.row);
    this.stats.activates++;
    this.emit(c, DramCmd.ACT, b, r.row);
  }

  /** PRE: next ACT of this bank >= tRP. */
  private issuePre(c: number, b: number, r: DramRequest | null): void {
    if (r !== null && r.outcome === null) r.outcome = 'conflict';
    const row = this.openRow[b]!;
    this.openRow[b] = -1;
    this.openBanks--;
    this.actReady[b] = Math.max(this.actReady[b]!, c + this.p.tRP);
    this.hitsR[b] = 0;
    this.hitsW[b] = 0;
    this.stats.precharges++;
    this.emit(c, DramCmd.PRE, b, row);
  }

  private emit(c: number, cmd: DramCmdCode, bank: number, row: number): void {
    if (this.commandLog) this.commandLog.push({ cycle: c, cmd, bank, row });
    this.traceCmd(cmd, bank < 0 ? 0 : bank);
  }

  private traceCmd(cmd: number, bank: number): void {
    this.cmdTraced = cmd;
    this.cmd.set(cmd);
    this.cmdBank.set(bank);
  }

  private traceQueues(): void {
    this.rdq.set(Math.min(0xffff, this.readQ.length));
    this.wrq.set(Math.min(0xffff, this.writeQ.length));
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

/**
 * A duty cycle whose high time is a whole number of steps: 0.5 for an even period, else the high phase is
 * one step shorter (625 ps at 1 ps steps: 312 high, 313 low). Only rising edges matter to the controller.
 */
function halfDuty(steps: number): number {
  for (let high = Math.floor(steps / 2); high >= 1; high--) {
    const duty = high / steps;
    if (Number.isInteger(steps * duty)) return duty;
  }
  return 0.5;
}
