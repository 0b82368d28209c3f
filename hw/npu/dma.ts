// DMA engine: moves tensors between DRAM (through the DramController, in the DRAM clock domain) and
// SRAM (SramBanks, in the DMA's clock domain) in bursts. The DRAM controller is a timing model, so the
// DRAM's contents live here, in a sparse DramImage.
import type { ClockDriver } from '../../sim/clock.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { DramController, DramRequest } from './dram-controller.ts';
import type { SramAccess, SramBanks } from './sram.ts';

/** Functional DRAM contents, one array per touched burst (unwritten bytes read as 0). */
export class DramImage {
  private readonly bursts = new Map<number, Uint8Array>();
  constructor(readonly burstBytes = 64) {}

  write(addr: number, data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      const a = addr + i;
      const base = a - (a % this.burstBytes);
      let b = this.bursts.get(base);
      if (!b) this.bursts.set(base, (b = new Uint8Array(this.burstBytes)));
      const off = a - base;
      const n = Math.min(this.burstBytes - off, data.length - i);
      b.set(data.subarray(i, i + n), off);
      i += n;
    }
  }

  read(addr: number, bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    let i = 0;
    while (i < bytes) {
      const a = addr + i;
      const base = a - (a % this.burstBytes);
      const off = a - base;
      const n = Math.min(this.burstBytes - off, bytes - i);
      const b = this.bursts.get(base);
      if (b) out.set(b.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }
}

/** load: DRAM -> SRAM (fill); store: SRAM -> DRAM (spill). */
export type DmaDirection = 'load' | 'store';

export interface DmaTransferSpec {
  dir: DmaDirection;
  /** Burst-aligned DRAM byte address. */
  dramAddr: number;
  /** Word-aligned SRAM byte address. */
  sramAddr: number;
  bytes: number;
  name?: string;
}

/** A transfer in the DMA's queue; poll `dma.isDone(t)`. Cycles are edges of the DMA's clock. */
export class DmaTransfer {
  startCycle = -1;
  /** First edge at which isDone() is true: one edge after the last access completed (registered flag). */
  readyCycle = Infinity;
  constructor(
    readonly spec: Readonly<DmaTransferSpec>,
    readonly issuedCycle: number,
  ) {}
}

export interface DmaOptions {
  /** Bursts in flight at once (default 16). */
  maxOutstanding?: number;
  /** SRAM word accesses per edge (default min(SRAM banks, words per burst)). */
  wordsPerCycle?: number;
  /** DRAM requests submitted per edge (default 1). */
  requestsPerCycle?: number;
  /** Shared DRAM contents (default: a new, empty image). */
  image?: DramImage;
}

export interface DmaCounters {
  transfers: number;
  bursts: number;
  bytesLoaded: number;
  bytesStored: number;
  /** Edges with a transfer active. */
  busyCycles: number;
  /** Busy edges in which nothing was issued while a burst in flight waited for the DRAM (queue full, data, write). */
  dramWaitCycles: number;
  /** Other busy edges in which nothing was issued: waiting for SRAM accesses to complete. */
  sramWaitCycles: number;
  /** Edges in which a DRAM submit was refused (queue full). */
  dramQueueFullCycles: number;
}

interface Burst {
  dramAddr: number;
  sramAddr: number;
  /** Valid bytes (the last burst of a transfer may be partial; the DRAM still moves a whole burst). */
  bytes: number;
  words: number;
  wordsIssued: number;
  sram: SramAccess[];
  dram: DramRequest | null;
  data: Uint8Array | null;
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`Dma ${name}: expected an integer >= ${min}, got ${v}`);
  return v;
}

/**
 * One transfer at a time, in submission order; within it, up to `maxOutstanding` bursts are pipelined.
 * Per edge k of the DMA's clock (all reads of state from before the edge, see docs/npu-memory.md "DMA"):
 *   store: (1) retire, in order, bursts whose DRAM write is done; (2) submit, in order, DRAM writes of
 *     bursts whose SRAM words have all been read (up to requestsPerCycle, stop at a full queue); (3) issue
 *     up to wordsPerCycle SRAM reads for the next words, opening a new burst while fewer than
 *     maxOutstanding are in flight.
 *   load: (1) retire bursts whose SRAM writes are all done; (2) issue up to wordsPerCycle SRAM writes for
 *     bursts whose DRAM read is done, in order; (3) submit DRAM reads for new bursts.
 * A transfer submitted after edge k starts at edge k+1 if the DMA is idle; it is done (isDone) one edge
 * after its last access completed.
 */
export class Dma extends Module {
  readonly image: DramImage;
  readonly counters: DmaCounters;
  readonly busy: Signal;
  readonly inflight: Signal;
  readonly maxOutstanding: number;
  readonly wordsPerCycle: number;
  readonly requestsPerCycle: number;

  private readonly clock: ClockDriver;
  private readonly queue: DmaTransfer[] = [];
  private cur: DmaTransfer | null = null;
  private bursts: Burst[] = [];
  private nextOffset = 0;
  private readonly burstBytes: number;
  private readonly wordBytes: number;

  constructor(
    parent: Module,
    name: string,
    clk: Signal<number>,
    readonly dram: DramController,
    readonly sram: SramBanks,
    options: DmaOptions = {},
  ) {
    super(parent, name);
    this.clock = this.sim.clockOf(clk);
    this.burstBytes = dram.burstBytes;
    this.wordBytes = sram.wordBytes;
    if (this.burstBytes % this.wordBytes !== 0) {
      throw new Error(`Dma: SRAM wordBytes (${this.wordBytes}) must divide the DRAM burst (${this.burstBytes} bytes)`);
    }
    this.maxOutstanding = checkInt('maxOutstanding', options.maxOutstanding ?? 16, 1);
    this.wordsPerCycle = checkInt('wordsPerCycle', options.wordsPerCycle ?? Math.min(sram.banks, this.burstBytes / this.wordBytes), 1);
    this.requestsPerCycle = checkInt('requestsPerCycle', options.requestsPerCycle ?? 1, 1);
    this.image = options.image ?? new DramImage(this.burstBytes);
    this.counters = {
      transfers: 0,
      bursts: 0,
      bytesLoaded: 0,
      bytesStored: 0,
      busyCycles: 0,
      dramWaitCycles: 0,
      sramWaitCycles: 0,
      dramQueueFullCycles: 0,
    };
    this.busy = this.signal('busy', 1);
    this.inflight = this.signal('inflight', 16, { traceAs: 'integer' });
    this.onRising(clk, this.edge);
  }

  /** Queue a transfer. Checks alignment and bounds now, naming the field. */
  transfer(spec: DmaTransferSpec): DmaTransfer {
    const what = `${this.path}: transfer${spec.name ? ` '${spec.name}'` : ''}`;
    if (spec.dir !== 'load' && spec.dir !== 'store') throw new Error(`${what}: dir must be 'load' or 'store', got '${spec.dir}'`);
    if (!Number.isSafeInteger(spec.bytes) || spec.bytes < 1) throw new Error(`${what}: bytes must be a positive integer, got ${spec.bytes}`);
    if (!Number.isSafeInteger(spec.dramAddr) || spec.dramAddr < 0 || spec.dramAddr % this.burstBytes !== 0) {
      throw new Error(`${what}: dramAddr must be a multiple of the ${this.burstBytes}-byte burst, got ${spec.dramAddr}`);
    }
    if (spec.dramAddr + spec.bytes > this.dram.map.capacityBytes) {
      throw new Error(`${what}: dramAddr + bytes = ${spec.dramAddr + spec.bytes} exceeds the DRAM capacity ${this.dram.map.capacityBytes}`);
    }
    if (!Number.isSafeInteger(spec.sramAddr) || spec.sramAddr < 0 || spec.sramAddr % this.wordBytes !== 0) {
      throw new Error(`${what}: sramAddr must be a multiple of wordBytes = ${this.wordBytes}, got ${spec.sramAddr}`);
    }
    const words = Math.ceil(spec.bytes / this.wordBytes) * this.wordBytes;
    if (spec.sramAddr + words > this.sram.capacityBytes) {
      throw new Error(`${what}: sramAddr + bytes (${spec.sramAddr + words}, whole words) exceeds the SRAM capacity ${this.sram.capacityBytes}`);
    }
    const t = new DmaTransfer({ ...spec }, this.clock.cycles);
    this.queue.push(t);
    return t;
  }

  isDone(t: DmaTransfer): boolean {
    return t.readyCycle <= this.clock.cycles;
  }

  get idle(): boolean {
    return this.cur === null && this.queue.length === 0;
  }

  override blockedOn(): string | null {
    if (!this.cur) return null;
    const dram = this.bursts.filter((b) => this.waitsForDram(b)).length;
    return `${this.cur.spec.dir} '${this.cur.spec.name ?? ''}': ${this.bursts.length} bursts in flight, ${dram} waiting for DRAM`;
  }

  private edge(): void {
    const k = this.clock.cycles;
    if (this.cur === null && this.queue.length > 0 && this.queue[0]!.issuedCycle < k) {
      this.cur = this.queue.shift()!;
      this.cur.startCycle = k;
      this.nextOffset = 0;
      this.bursts = [];
    }
    const t = this.cur;
    if (t === null) {
      this.busy.set(0);
      return;
    }
    this.busy.set(1);
    const c = this.counters;
    c.busyCycles++;
    const issued = t.spec.dir === 'store' ? this.storeStep(t) : this.loadStep(t);
    if (issued > 0) this.progress();
    else if (this.bursts.some((b) => this.waitsForDram(b))) c.dramWaitCycles++;
    else c.sramWaitCycles++;
    if (this.nextOffset >= t.spec.bytes && this.bursts.length === 0) {
      t.readyCycle = k + 1;
      c.transfers++;
      this.cur = null;
    }
    this.inflight.set(Math.min(this.bursts.length, 0xffff));
  }

  private waitsForDram(b: Burst): boolean {
    if (this.cur!.spec.dir === 'store') return b.wordsIssued === b.words && b.sram.every((a) => this.sram.isDone(a));
    return b.dram === null || !this.dram.isDone(b.dram);
  }

  /** SRAM -> DRAM. Returns the number of accesses and requests issued at this edge. */
  private storeStep(t: DmaTransfer): number {
    const bs = this.bursts;
    let issued = 0;
    while (bs.length > 0 && bs[0]!.dram !== null && this.dram.isDone(bs[0]!.dram)) {
      const b = bs.shift()!;
      this.counters.bytesStored += b.bytes;
    }
    let submitted = 0;
    for (const b of bs) {
      if (submitted >= this.requestsPerCycle) break;
      if (b.dram !== null) continue;
      if (b.wordsIssued < b.words || !b.sram.every((a) => this.sram.isDone(a))) break;
      const r = this.dram.submit('write', b.dramAddr, b);
      if (r === null) {
        this.counters.dramQueueFullCycles++;
        break;
      }
      if (this.sram.storesData) {
        const data = new Uint8Array(b.words * this.wordBytes);
        b.sram.forEach((a, i) => a.data && data.set(a.data, i * this.wordBytes));
        this.image.write(b.dramAddr, data.subarray(0, b.bytes));
      }
      b.dram = r;
      b.sram = [];
      submitted++;
    }
    issued += submitted;
    let words = 0;
    while (words < this.wordsPerCycle) {
      let b = bs.length > 0 ? bs[bs.length - 1]! : null;
      if (b === null || b.wordsIssued === b.words) {
        b = this.openBurst(t);
        if (b === null) break;
      }
      b.sram.push(this.sram.read(b.sramAddr + b.wordsIssued * this.wordBytes));
      b.wordsIssued++;
      words++;
    }
    return issued + words;
  }

  /** DRAM -> SRAM. */
  private loadStep(t: DmaTransfer): number {
    const bs = this.bursts;
    while (bs.length > 0 && bs[0]!.wordsIssued === bs[0]!.words && bs[0]!.sram.every((a) => this.sram.isDone(a))) {
      const b = bs.shift()!;
      this.counters.bytesLoaded += b.bytes;
    }
    let words = 0;
    for (const b of bs) {
      if (words >= this.wordsPerCycle) break;
      if (b.wordsIssued === b.words) continue;
      if (b.dram === null || !this.dram.isDone(b.dram)) break; // in order
      if (b.data === null) b.data = this.image.read(b.dramAddr, b.words * this.wordBytes);
      while (words < this.wordsPerCycle && b.wordsIssued < b.words) {
        const off = b.wordsIssued * this.wordBytes;
        b.sram.push(this.sram.write(b.sramAddr + off, b.data.subarray(off, off + this.wordBytes)));
        b.wordsIssued++;
        words++;
      }
      if (b.wordsIssued < b.words) break;
    }
    let submitted = 0;
    while (submitted < this.requestsPerCycle) {
      if (bs.length >= this.maxOutstanding || this.nextOffset >= t.spec.bytes) break;
      if (!this.dram.canAccept('read')) {
        this.counters.dramQueueFullCycles++;
        break;
      }
      const b = this.openBurst(t)!;
      b.dram = this.dram.submit('read', b.dramAddr, b);
      submitted++;
    }
    return words + submitted;
  }

  /** The next burst of the transfer, appended to the in-flight list (null if none may open now). */
  private openBurst(t: DmaTransfer): Burst | null {
    if (this.bursts.length >= this.maxOutstanding || this.nextOffset >= t.spec.bytes) return null;
    const off = this.nextOffset;
    const bytes = Math.min(this.burstBytes, t.spec.bytes - off);
    const b: Burst = {
      dramAddr: t.spec.dramAddr + off,
      sramAddr: t.spec.sramAddr + off,
      bytes,
      words: Math.ceil(bytes / this.wordBytes),
      wordsIssued: 0,
      sram: [],
      dram: null,
      data: null,
    };
    this.nextOffset += bytes;
    this.bursts.push(b);
    this.counters.bursts++;
    return b;
  }
}
