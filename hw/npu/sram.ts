// On-chip SRAM: banks of one-word-wide macros with 1RW or 1R1W ports, a fixed read latency, bank
// conflicts, and the live (allocated) activation bytes traced over time. See docs/npu-memory.md "SRAM".
import type { ClockDriver } from '../../sim/clock.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';

/** 1RW: one access (read or write) per bank per cycle. 1R1W: one read and one write per bank per cycle. */
export type SramPortKind = '1RW' | '1R1W';
/** interleaved: word w lives in bank w mod banks (low-order). blocked: bank = addr / (capacity / banks). */
export type SramBankMapping = 'interleaved' | 'blocked';

export interface SramOptions {
  capacityBytes: number;
  /** Bytes per word: the width of one bank's port. */
  wordBytes: number;
  banks?: number;
  ports?: SramPortKind;
  /** Edges from acceptance to usable read data (>= 1). */
  readLatency?: number;
  mapping?: SramBankMapping;
  /** Keep the contents (default true); false models timing only and reads return null data. */
  storeData?: boolean;
}

export type SramOp = 'read' | 'write';

/** One word access. The client keeps it and polls `sram.isDone(access)`. */
export class SramAccess {
  /** Edge at which a bank port took it (-1 while waiting). */
  acceptedCycle = -1;
  /** First edge at which the result may be used (Infinity until accepted). */
  readyCycle = Infinity;
  /** Edges it waited for its bank's port. */
  waited = 0;

  constructor(
    readonly seq: number,
    readonly op: SramOp,
    readonly addr: number,
    readonly bank: number,
    /** Edge after which it was issued (the clock's rising-edge count). */
    readonly issuedCycle: number,
    /** Lower wins among accesses issued at the same edge; then issue order. */
    readonly priority: number,
    /** Write: the word to store (copied at issue). Read: the word read, set at acceptance. */
    public data: Uint8Array | null,
  ) {}
}

export interface SramCounters {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  /** Access-cycles lost to bank conflicts: each edge an access waits because its bank's port is taken. */
  conflicts: number;
  /** Accesses that waited at least one edge. */
  delayedAccesses: number;
  /** Edges at which at least one access was accepted, and edges seen. */
  busyCycles: number;
  cycles: number;
  /** Largest number of accesses waiting after an edge. */
  maxWaiting: number;
}

interface Allocation {
  base: number;
  bytes: number;
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`SramBanks ${name}: expected an integer >= ${min}, got ${v}`);
  return v;
}

/**
 * A banked SRAM driven by one clock. Method interface, called from processes of the same clock (or
 * testbench coroutines resumed by its rising edges). Per rising edge k:
 *   - `read()` / `write()` called after edge k issue an access stamped k;
 *   - at edge k+1 the SRAM's own process arbitrates every waiting access issued before k+1, oldest
 *     first (then by priority, then call order): an access gets its bank's port if no earlier access
 *     took that port at this edge, else it waits (one conflict counted per edge waited);
 *   - an accepted read samples the word at acceptance (before any write accepted at the same edge:
 *     read-before-write) and is usable from edge accept + readLatency: with no conflict, a read issued
 *     after edge k is done at edge k + 1 + readLatency; a write is stored at acceptance and done at
 *     accept + 1. `isDone()` is therefore the same whether the client's process runs before or after
 *     the SRAM's at an edge.
 * Throughput: per bank, one access (1RW) or one read plus one write (1R1W) per edge, fully pipelined.
 * Live bytes: allocate() (first fit), allocateAt() (a planner's placement) and free() change the count at
 * once; the traced `live_bytes` signal follows at the next edge (a signal has one driver: the SRAM's
 * process): at edge k it shows the allocations made up to edge k-1, whatever the process order.
 */
export class SramBanks extends Module {
  readonly capacityBytes: number;
  readonly wordBytes: number;
  readonly banks: number;
  readonly portKind: SramPortKind;
  readonly readLatency: number;
  readonly mapping: SramBankMapping;
  /** Allocated bytes, traced as an integer; and accesses accepted at the last edge. */
  readonly liveBytes: Signal;
  readonly acceptedSig: Signal;
  readonly counters: SramCounters;
  /** Accesses per bank (reads + writes). */
  readonly bankAccesses: Float64Array;

  private readonly clock: ClockDriver;
  private readonly mem: Uint8Array | null;
  private readonly bankBytes: number;
  private incoming: SramAccess[] = [];
  private waiting: SramAccess[] = [];
  private readonly readPortAt: Float64Array;
  private readonly writePortAt: Float64Array;
  private seq = 0;
  private live = 0;
  private highWater = 0;
  /** Live bytes before the first allocate/free made after edge `liveChangedAt`. */
  private liveAtEdge = 0;
  private liveChangedAt = -1;
  private readonly allocs = new Map<string, Allocation>();
  /** Free gaps sorted by base. */
  private free_: Allocation[];

  constructor(parent: Module, name: string, clk: Signal<number>, options: SramOptions) {
    super(parent, name);
    this.wordBytes = checkInt('wordBytes', options.wordBytes, 1);
    this.banks = checkInt('banks', options.banks ?? 1, 1);
    this.capacityBytes = checkInt('capacityBytes', options.capacityBytes, 1);
    if (this.capacityBytes % (this.wordBytes * this.banks) !== 0) {
      throw new Error(
        `SramBanks capacityBytes: expected a multiple of wordBytes x banks = ${this.wordBytes * this.banks}, got ${this.capacityBytes}`,
      );
    }
    if (this.capacityBytes > 0xffffffff) throw new Error(`SramBanks capacityBytes: expected at most 4 GiB, got ${this.capacityBytes}`);
    this.readLatency = checkInt('readLatency', options.readLatency ?? 1, 1);
    const ports = options.ports ?? '1RW';
    if (ports !== '1RW' && ports !== '1R1W') throw new Error(`SramBanks ports: expected '1RW' or '1R1W', got '${ports}'`);
    this.portKind = ports;
    const mapping = options.mapping ?? 'interleaved';
    if (mapping !== 'interleaved' && mapping !== 'blocked') {
      throw new Error(`SramBanks mapping: expected 'interleaved' or 'blocked', got '${mapping}'`);
    }
    this.mapping = mapping;
    this.bankBytes = this.capacityBytes / this.banks;
    this.mem = options.storeData === false ? null : new Uint8Array(this.capacityBytes);
    this.clock = this.sim.clockOf(clk);
    this.readPortAt = new Float64Array(this.banks).fill(-1);
    this.writePortAt = ports === '1RW' ? this.readPortAt : new Float64Array(this.banks).fill(-1);
    this.bankAccesses = new Float64Array(this.banks);
    this.free_ = [{ base: 0, bytes: this.capacityBytes }];
    this.counters = {
      reads: 0,
      writes: 0,
      bytesRead: 0,
      bytesWritten: 0,
      conflicts: 0,
      delayedAccesses: 0,
      busyCycles: 0,
      cycles: 0,
      maxWaiting: 0,
    };
    this.liveBytes = this.signal('live_bytes', 32, { traceAs: 'integer' });
    this.acceptedSig = this.signal('accepted', 16, { traceAs: 'integer' });
    this.onRising(clk, this.edge);
  }

  // ---- access interface ----------------------------------------------------------------------------

  /** Bank holding byte address `addr`. */
  bankOf(addr: number): number {
    return this.mapping === 'interleaved' ? Math.floor(addr / this.wordBytes) % this.banks : Math.floor(addr / this.bankBytes);
  }

  read(addr: number, priority = 0): SramAccess {
    this.checkAddr(addr);
    return this.issue(new SramAccess(this.seq++, 'read', addr, this.bankOf(addr), this.clock.cycles, priority, null));
  }

  /** Write one word; `data` (at most wordBytes, copied now) may be omitted in timing-only use. */
  write(addr: number, data?: Uint8Array, priority = 0): SramAccess {
    this.checkAddr(addr);
    if (data && data.length > this.wordBytes) {
      throw new Error(`${this.path}: write data is ${data.length} bytes, expected at most wordBytes = ${this.wordBytes}`);
    }
    const copy = data ? data.slice() : null;
    return this.issue(new SramAccess(this.seq++, 'write', addr, this.bankOf(addr), this.clock.cycles, priority, copy));
  }

  /** False when built with storeData: false (timing only). */
  get storesData(): boolean {
    return this.mem !== null;
  }

  isDone(a: SramAccess): boolean {
    return a.readyCycle <= this.clock.cycles;
  }

  /** Accesses issued and not yet accepted. */
  get waitingCount(): number {
    return this.incoming.length + this.waiting.length;
  }

  /** Backdoor for testbenches: the stored bytes (no timing, no counters). */
  peek(addr: number, bytes: number): Uint8Array {
    if (!this.mem) throw new Error(`${this.path}: storeData is false, there is nothing to peek`);
    if (addr < 0 || addr + bytes > this.capacityBytes) throw new Error(`${this.path}: peek ${addr}+${bytes} is outside 0..${this.capacityBytes}`);
    return this.mem.slice(addr, addr + bytes);
  }

  poke(addr: number, data: Uint8Array): void {
    if (!this.mem) throw new Error(`${this.path}: storeData is false, there is nothing to poke`);
    if (addr < 0 || addr + data.length > this.capacityBytes) {
      throw new Error(`${this.path}: poke ${addr}+${data.length} is outside 0..${this.capacityBytes}`);
    }
    this.mem.set(data, addr);
  }

  // ---- live bytes (allocation of activation buffers) -------------------------------------------------

  /** Bytes allocated now, and the most ever allocated at once. */
  get liveNow(): number {
    return this.live;
  }

  get liveHighWater(): number {
    return this.highWater;
  }

  /** First-fit allocation of `bytes` (rounded up to whole words) named `name`; null if no gap fits. */
  tryAllocate(name: string, bytes: number): number | null {
    const size = this.allocSize('allocate', name, bytes);
    const i = this.free_.findIndex((g) => g.bytes >= size);
    if (i < 0) return null;
    const base = this.free_[i]!.base;
    this.claim(i, name, base, size);
    return base;
  }

  allocate(name: string, bytes: number): number {
    const base = this.tryAllocate(name, bytes);
    if (base === null) {
      const largest = this.free_.reduce((m, g) => Math.max(m, g.bytes), 0);
      throw new Error(
        `${this.path}: cannot allocate '${name}' (${bytes} bytes): ${this.capacityBytes - this.live} of ${this.capacityBytes} bytes free, largest gap ${largest}`,
      );
    }
    return base;
  }

  /**
   * Allocation of exactly [base, base + size) named `name` (size = `bytes` rounded up to whole words), for
   * buffers whose place a planner decided. Throws, naming the range, if `base` is not a word address,
   * if the range runs past the capacity, or if it overlaps live allocations (named with their ranges).
   */
  allocateAt(name: string, base: number, bytes: number): void {
    const size = this.allocSize('allocateAt', name, bytes);
    if (!Number.isSafeInteger(base) || base < 0 || base % this.wordBytes !== 0) {
      throw new Error(`${this.path}: allocateAt '${name}': base must be a word address (a multiple of wordBytes = ${this.wordBytes}, >= 0), got ${base}`);
    }
    const end = base + size;
    // the gap that starts at or before base; the range is free exactly when that gap reaches end
    let i = this.free_.length - 1;
    while (i >= 0 && this.free_[i]!.base > base) i--;
    const gap = this.free_[i];
    if (gap && gap.base + gap.bytes >= end) {
      this.claim(i, name, base, size);
      return;
    }
    const problems: string[] = [];
    const hits = [...this.allocs].filter(([, a]) => a.base < end && base < a.base + a.bytes).sort(([, a], [, b]) => a.base - b.base);
    if (hits.length > 0) problems.push(`it overlaps ${hits.map(([n, a]) => `'${n}' [${a.base}, ${a.base + a.bytes})`).join(', ')}`);
    if (end > this.capacityBytes) problems.push(`it runs past the capacity of ${this.capacityBytes} bytes`);
    throw new Error(`${this.path}: cannot allocate '${name}' at [${base}, ${end}) (${bytes} bytes): ${problems.join('; ')}`);
  }

  free(name: string): void {
    const a = this.allocs.get(name);
    if (!a) throw new Error(`${this.path}: free '${name}': not allocated`);
    this.allocs.delete(name);
    this.noteLiveChange();
    this.live -= a.bytes;
    // Insert and merge with neighbours so gaps stay maximal.
    const f = this.free_;
    let i = 0;
    while (i < f.length && f[i]!.base < a.base) i++;
    f.splice(i, 0, { base: a.base, bytes: a.bytes });
    if (i + 1 < f.length && f[i]!.base + f[i]!.bytes === f[i + 1]!.base) {
      f[i] = { base: f[i]!.base, bytes: f[i]!.bytes + f[i + 1]!.bytes };
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1]!.base + f[i - 1]!.bytes === f[i]!.base) {
      f[i - 1] = { base: f[i - 1]!.base, bytes: f[i - 1]!.bytes + f[i]!.bytes };
      f.splice(i, 1);
    }
  }

  /** Base address of a live allocation. */
  baseOf(name: string): number {
    const a = this.allocs.get(name);
    if (!a) throw new Error(`${this.path}: '${name}' is not allocated`);
    return a.base;
  }

  /** Checks a new allocation's name and size; returns the size rounded up to whole words. */
  private allocSize(method: string, name: string, bytes: number): number {
    if (this.allocs.has(name)) throw new Error(`${this.path}: '${name}' is already allocated`);
    if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Error(`${this.path}: ${method} '${name}': bytes must be a positive integer, got ${bytes}`);
    return Math.ceil(bytes / this.wordBytes) * this.wordBytes;
  }

  /** Takes [base, base + size) out of free gap i (which holds it), leaving what is left of the gap on either side. */
  private claim(i: number, name: string, base: number, size: number): void {
    const gap = this.free_[i]!;
    const gapEnd = gap.base + gap.bytes;
    const left = base - gap.base;
    const right = gapEnd - (base + size);
    const rest: Allocation[] = [];
    if (left > 0) rest.push({ base: gap.base, bytes: left });
    if (right > 0) rest.push({ base: base + size, bytes: right });
    this.free_.splice(i, 1, ...rest);
    this.allocs.set(name, { base, bytes: size });
    this.noteLiveChange();
    this.live += size;
    if (this.live > this.highWater) this.highWater = this.live;
  }

  /** Before the first change of live bytes after an edge, remember the count as of that edge (see edge()). */
  private noteLiveChange(): void {
    const k = this.clock.cycles;
    if (this.liveChangedAt !== k) {
      this.liveChangedAt = k;
      this.liveAtEdge = this.live;
    }
  }

  override blockedOn(): string | null {
    const n = this.waiting.length;
    return n > 0 ? `${n} access(es) waiting for a bank port` : null;
  }

  // ---- the clocked process -----------------------------------------------------------------------------

  private issue(a: SramAccess): SramAccess {
    this.incoming.push(a);
    return a;
  }

  private edge(): void {
    const k = this.clock.cycles;
    const c = this.counters;
    c.cycles++;
    // Admit accesses issued before this edge; those issued at this edge (by processes that ran before
    // this one) wait for the next, so the outcome does not depend on process order.
    if (this.incoming.length > 0) {
      const inc = this.incoming;
      let n = 0;
      while (n < inc.length && inc[n]!.issuedCycle < k) n++;
      if (n > 0) {
        const admitted = inc.slice(0, n);
        this.incoming = inc.slice(n);
        admitted.sort((x, y) => x.issuedCycle - y.issuedCycle || x.priority - y.priority || x.seq - y.seq);
        for (const a of admitted) this.waiting.push(a);
      }
    }
    let accepted = 0;
    if (this.waiting.length > 0) {
      const w = this.waiting;
      const keep: SramAccess[] = [];
      const rp = this.readPortAt;
      const wp = this.writePortAt;
      const mem = this.mem;
      let writes: SramAccess[] | null = null;
      for (let i = 0; i < w.length; i++) {
        const a = w[i]!;
        const ports = a.op === 'read' ? rp : wp;
        if (ports[a.bank] === k) {
          c.conflicts++;
          if (a.waited++ === 0) c.delayedAccesses++;
          keep.push(a);
          continue;
        }
        ports[a.bank] = k;
        a.acceptedCycle = k;
        accepted++;
        this.bankAccesses[a.bank]!++;
        if (a.op === 'read') {
          a.readyCycle = k + this.readLatency;
          if (mem) a.data = mem.slice(a.addr, a.addr + this.wordBytes);
          c.reads++;
          c.bytesRead += this.wordBytes;
        } else {
          a.readyCycle = k + 1;
          (writes ??= []).push(a);
          c.writes++;
          c.bytesWritten += this.wordBytes;
        }
      }
      // Read-before-write: writes accepted at this edge land after this edge's reads sampled.
      if (writes && mem) for (const a of writes) if (a.data) mem.set(a.data, a.addr);
      this.waiting = keep;
      if (keep.length > c.maxWaiting) c.maxWaiting = keep.length;
    }
    if (accepted > 0) {
      c.busyCycles++;
      this.progress();
    }
    this.acceptedSig.set(Math.min(accepted, 0xffff));
    // live_bytes at edge k shows the allocations made up to edge k-1, whether the clients that allocate
    // at edge k run before or after this process.
    this.liveBytes.set(this.liveChangedAt === k ? this.liveAtEdge : this.live);
  }

  private checkAddr(addr: number): void {
    if (!Number.isSafeInteger(addr) || addr < 0 || addr >= this.capacityBytes || addr % this.wordBytes !== 0) {
      throw new Error(
        `${this.path}: address ${addr} is not a word address: expected a multiple of wordBytes = ${this.wordBytes} in 0..${this.capacityBytes - this.wordBytes}`,
      );
    }
  }
}

/** One bank: SramBanks with banks = 1. */
export class SramBank extends SramBanks {
  constructor(parent: Module, name: string, clk: Signal<number>, options: Omit<SramOptions, 'banks' | 'mapping'>) {
    super(parent, name, clk, { ...options, banks: 1 });
  }
}
