// A cycle-accurate open-page DRAM controller for one channel and rank, in its own clock domain (tCK).
// Timing model: see docs/npu-memory.md "DramController". This module is the clocked process: it ties
// the parts together and issues the commands. The parts are plain objects, not Modules, so the design
// hierarchy and the traced signals are the controller's alone:
//   dram-queues.ts      inbox, read and write queues, admission (step 1 below)
//   dram-refresh.ts     all-bank refresh (step 2)
//   dram-scheduler.ts   queue choice and FR-FCFS command choice (step 3)
//   dram-bank-state.ts  open rows and earliest-issue times; the timing rules are at its update functions
//   dram-stats.ts       counters;   dram-options.ts  options, their checks, the clock
//   dram-request.ts, dram-command.ts  request and command types (re-exported below for importers)
// dram-checker.ts re-checks a command log against the timing rules independently.
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { DramAddressMap } from './dram-address.ts';
import { DramBankState } from './dram-bank-state.ts';
import { DramCmd, type DramCmdCode, type DramCommand } from './dram-command.ts';
import { dramClock, resolveDramOptions, type DramControllerOptions } from './dram-options.ts';
import { burstBytes, peakBandwidthBytesPerSec, type DramParams } from './dram-params.ts';
import { DramQueues } from './dram-queues.ts';
import { DramRefresh } from './dram-refresh.ts';
import { DramRequest, type DramOp } from './dram-request.ts';
import { FrFcfsScheduler } from './dram-scheduler.ts';
import { DramCounters, type DramStats } from './dram-stats.ts';

// Importers take the whole controller API from this module.
export { DramCmd, DRAM_CMD_NAMES, type DramCmdCode, type DramCommand } from './dram-command.ts';
export type { DramControllerOptions } from './dram-options.ts';
export { DramRequest, type DramOp, type RowOutcome } from './dram-request.ts';
export type { DramStats } from './dram-stats.ts';

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
 * Latency: a request submitted at time t is registered at the first rising edge strictly after t (1 tCK
 * for a client in this clock domain), so an idle row hit takes 1 + CL + BL/2 tCK to its last data beat.
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

  private readonly bpg: number;
  private readonly burst: number;
  private readonly sleepOn: boolean;
  private readonly banks: DramBankState;
  private readonly queues: DramQueues;
  private readonly scheduler: FrFcfsScheduler;
  private readonly refresh: DramRefresh;
  private readonly counters = new DramCounters();

  private cycle = 0;
  private wakeAt = 0;
  private nextId = 0;
  private cmdTraced = 0;

  constructor(parent: Module, name: string, options: DramControllerOptions = {}) {
    super(parent, name);
    const o = resolveDramOptions(options);
    const params = (this.params = o.params);
    this.map = o.map;
    this.readQueueDepth = o.readQueueDepth;
    this.writeQueueDepth = o.writeQueueDepth;
    this.sleepOn = o.sleep;
    this.commandLog = o.logCommands ? [] : null;

    const clock = dramClock(this, params, options.clock);
    this.clk = clock.clk;
    this.period = clock.period;

    this.banks = new DramBankState(params);
    this.bpg = params.banksPerGroup;
    this.burst = burstBytes(params);
    this.queues = new DramQueues(o.readQueueDepth, o.writeQueueDepth, this.banks.nBanks);
    this.scheduler = new FrFcfsScheduler(this.queues, this.banks, o);
    this.refresh = new DramRefresh(params.tREFI, o.refresh);
    this.stats = this.counters.stats;

    this.cmd = this.signal('cmd', 3);
    this.cmdBank = this.signal('cmd_bank', Math.max(1, Math.ceil(Math.log2(this.banks.nBanks + 1))));
    this.rdq = this.signal('rdq', 16, { traceAs: 'integer' });
    this.wrq = this.signal('wrq', 16, { traceAs: 'integer' });
    this.onRising(this.clk, this.tick);
  }

  // ---- client interface (call from any process, in any clock domain) --------------------------------

  /** Bytes per request (one burst). */
  get burstBytes(): number {
    return this.burst;
  }

  /** Whether submit(op, ...) would be accepted now. Independent of process order within a time step. */
  canAccept(op: DramOp): boolean {
    return this.queues.canAccept(op, this.sim.time);
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
    this.queues.submit(r);
    this.counters.arrival(r);
    return r;
  }

  /** True once the request's last data beat has crossed the bus. */
  isDone(r: DramRequest): boolean {
    return r.doneAt <= this.sim.time;
  }

  /** Requests queued or in the inbox (not yet issued). */
  get pending(): number {
    return this.queues.pending;
  }

  /** Achieved bandwidth in bytes/s from the first submit() to the last data beat. */
  bandwidth(): number {
    return this.counters.bandwidth(this.secondsPerStep());
  }

  /** Mean latency from submit() to the last data beat, in ns. */
  meanLatencyNs(): number {
    return this.counters.meanLatencyNs(this.secondsPerStep());
  }

  maxLatencyNs(): number {
    return this.counters.maxLatencyNs(this.secondsPerStep());
  }

  peakBandwidth(): number {
    return peakBandwidthBytesPerSec(this.params);
  }

  secondsPerStep(): number {
    return (this.params.tCK_ps * 1e-12) / this.period;
  }

  override blockedOn(): string | null {
    if (this.refresh.pending) return `refresh pending (${this.banks.openBanks} banks still open)`;
    return null;
  }

  // ---- the clocked process ---------------------------------------------------------------------

  private tick(): void {
    const c = ++this.cycle;
    this.stats.cycles = c;
    if (this.queues.inboxLength > 0 && this.queues.absorb(this.sim.time, c, this.banks.openRow)) {
      this.wakeAt = 0; // new work: whatever we slept for may no longer be the next event
      this.traceQueues();
    }
    if (c < this.wakeAt) {
      if (this.cmdTraced !== 0) this.traceCmd(0, 0);
      return;
    }
    const earliest = this.refresh.due(c) ? this.refreshStep(c) : this.scheduleStep(c);
    if (earliest < 0 || !this.sleepOn) {
      this.wakeAt = c + 1;
      if (earliest >= 0 && this.cmdTraced !== 0) this.traceCmd(0, 0);
    } else {
      if (this.cmdTraced !== 0) this.traceCmd(0, 0);
      this.wakeAt = Math.max(c + 1, Math.min(earliest, this.refresh.wakeAt(), this.scheduler.writeAgeLimitAt()));
    }
  }

  /** Issue the refresh command of cycle c if one is legal; returns -1 if so, else the earliest cycle one could. */
  private refreshStep(c: number): number {
    const earliest = this.refresh.choose(c, this.banks);
    if (earliest >= 0) return earliest;
    const b = this.refresh.bank;
    if (b >= 0) {
      this.issuePre(c, b, null);
    } else {
      this.banks.refresh(c);
      this.refresh.issued();
      this.stats.refreshes++;
      this.emit(c, DramCmd.REF, -1, -1);
    }
    return -1;
  }

  /** Issue the FR-FCFS command of cycle c if one is legal; returns -1 if so, else the earliest cycle one could. */
  private scheduleStep(c: number): number {
    const s = this.scheduler;
    const earliest = s.choose(c);
    if (earliest >= 0) return earliest;
    const r = s.request!;
    if (s.cmd === DramCmd.ACT) this.issueAct(c, r);
    else if (s.cmd === DramCmd.PRE) this.issuePre(c, r.flatBank, r);
    else this.issueColumn(c, r, s.index, s.cmd === DramCmd.WR);
    return -1;
  }

  // ---- command issue: the request's outcome, bank state, queues, counters, trace ---------------------

  /** RD/WR of the row hit at `index` of its queue; its data ends CL (CWL) + BL/2 later. */
  private issueColumn(c: number, r: DramRequest, index: number, isWrite: boolean): void {
    const now = this.sim.time;
    this.queues.take(index, isWrite, now);
    this.banks.column(c, r.flatBank, r.bankGroup, isWrite);
    if (r.outcome === null) r.outcome = 'hit';
    r.issueCycle = c;
    r.doneAt = now + (isWrite ? this.banks.writeDataEnd : this.banks.readDataEnd) * this.period;
    this.counters.column(r, isWrite, this.burst);
    this.progress();
    this.traceQueues();
    this.emit(c, isWrite ? DramCmd.WR : DramCmd.RD, r.flatBank, r.row);
  }

  private issueAct(c: number, r: DramRequest): void {
    if (r.outcome === null) r.outcome = 'miss';
    this.banks.activate(c, r.flatBank, r.bankGroup, r.row);
    this.queues.activated(r.flatBank, r.row);
    this.stats.activates++;
    this.emit(c, DramCmd.ACT, r.flatBank, r.row);
  }

  /** PRE of bank b, for request r (a row conflict) or for refresh (r null). */
  private issuePre(c: number, b: number, r: DramRequest | null): void {
    if (r !== null && r.outcome === null) r.outcome = 'conflict';
    const row = this.banks.precharge(c, b);
    this.queues.precharged(b);
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
    this.rdq.set(Math.min(0xffff, this.queues.read.length));
    this.wrq.set(Math.min(0xffff, this.queues.write.length));
  }
}
