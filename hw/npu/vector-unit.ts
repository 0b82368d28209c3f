// Vector unit: element-wise add (the skip connection's F(X) + X), ReLU and pooling on int8 tensors in
// SRAM. Every operand is read and every result written through the SRAM's ports, so the add's 2 reads
// + 1 write per word are real accesses that take port slots and can conflict.
import type { ClockDriver } from '../../sim/clock.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { SramAccess, SramBanks } from './sram.ts';

interface Named {
  name?: string;
}

/** Y = sat8(A + B), optionally ReLU'd; A, B, Y are byte addresses of `bytes`-long int8 tensors. */
export interface VectorAdd extends Named {
  kind: 'add';
  a: number;
  b: number;
  y: number;
  bytes: number;
  relu?: boolean;
}

export interface VectorRelu extends Named {
  kind: 'relu';
  x: number;
  y: number;
  bytes: number;
}

/**
 * k x k pooling with stride and zero padding over an HWC int8 tensor whose channels fill whole words
 * (c a multiple of wordBytes; a word holds wordBytes channels of one pixel). Padding positions are not
 * read. max: the largest in-bounds value. avg: round(sum of in-bounds values / (k*k)) (padding counts
 * as zeros, PyTorch's count_include_pad), halves rounded away from zero.
 */
export interface VectorPool extends Named {
  kind: 'pool';
  mode: 'max' | 'avg';
  x: number;
  y: number;
  h: number;
  w: number;
  c: number;
  k: number;
  stride: number;
  pad: number;
}

export type VectorOpSpec = VectorAdd | VectorRelu | VectorPool;

/** One output word: the words it reads, where it goes, and how it is computed. */
interface Task {
  reads: number[];
  y: number;
  /** Element operations (lane adds / compares / max) this word costs. */
  ops: number;
  compute: (words: Uint8Array[]) => Uint8Array;
}

export class VectorJob {
  startCycle = -1;
  /** First edge at which isDone() is true (one edge after the last write completed). */
  readyCycle = Infinity;
  constructor(
    readonly spec: Readonly<VectorOpSpec>,
    readonly issuedCycle: number,
    /** Output words. */
    readonly words: number,
  ) {}
}

export interface VectorUnitOptions {
  /** SRAM reads issued per edge (default 2: both operands of an add). */
  readsPerCycle?: number;
  /** Output words in flight (default 8; must cover the read latency for full throughput). */
  maxOutstanding?: number;
}

export interface VectorCounters {
  jobs: number;
  /** Output words written, and element operations (adds, compares) done. */
  words: number;
  ops: number;
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  /** Edges with a job active, and those among them in which nothing could be issued (waiting for SRAM). */
  busyCycles: number;
  stallCycles: number;
}

interface InFlight {
  task: Task;
  reads: SramAccess[];
  write: SramAccess | null;
}

const sat8 = (v: number) => (v > 127 ? 127 : v < -128 ? -128 : v);

/**
 * One job at a time. Per edge k (state from before the edge): (1) retire, in order, words whose write is
 * done; (2) for the oldest word whose reads are all done, compute it and issue its write (one write per
 * edge: the vector width is one SRAM word, wordBytes int8 lanes); (3) issue up to readsPerCycle reads for
 * the next words, while fewer than maxOutstanding are in flight. With no conflicts and readLatency L an
 * add of n words takes n + L + 3 edges from the job's start to isDone (2 + L for the first word's read,
 * write and retire, one per word after it, 1 for the registered done flag); a 1RW single bank needs 3
 * port slots per word, so ~3n.
 */
export class VectorUnit extends Module {
  readonly counters: VectorCounters;
  readonly busy: Signal;
  readonly readsPerCycle: number;
  readonly maxOutstanding: number;
  readonly lanes: number;

  private readonly clock: ClockDriver;
  private readonly queue: { job: VectorJob; tasks: Iterator<Task> }[] = [];
  private cur: { job: VectorJob; tasks: Iterator<Task> } | null = null;
  private next: Task | null = null;
  private inflight: InFlight[] = [];

  constructor(
    parent: Module,
    name: string,
    clk: Signal<number>,
    readonly sram: SramBanks,
    options: VectorUnitOptions = {},
  ) {
    super(parent, name);
    this.clock = this.sim.clockOf(clk);
    this.lanes = sram.wordBytes;
    this.readsPerCycle = positive('readsPerCycle', options.readsPerCycle ?? 2);
    this.maxOutstanding = positive('maxOutstanding', options.maxOutstanding ?? 8);
    this.counters = { jobs: 0, words: 0, ops: 0, reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, busyCycles: 0, stallCycles: 0 };
    this.busy = this.signal('busy', 1);
    this.onRising(clk, this.edge);
  }

  /** Queue an operation; shapes and addresses are checked now. */
  run(spec: VectorOpSpec): VectorJob {
    const { tasks, words } = this.plan(spec);
    const job = new VectorJob({ ...spec }, this.clock.cycles, words);
    this.queue.push({ job, tasks });
    return job;
  }

  isDone(job: VectorJob): boolean {
    return job.readyCycle <= this.clock.cycles;
  }

  get idle(): boolean {
    return this.cur === null && this.queue.length === 0;
  }

  override blockedOn(): string | null {
    return this.cur ? `${this.cur.job.spec.kind}: ${this.inflight.length} words in flight` : null;
  }

  private edge(): void {
    const k = this.clock.cycles;
    if (this.cur === null && this.queue.length > 0 && this.queue[0]!.job.issuedCycle < k) {
      this.cur = this.queue.shift()!;
      this.cur.job.startCycle = k;
      this.next = pull(this.cur.tasks);
    }
    const cur = this.cur;
    if (cur === null) {
      this.busy.set(0);
      return;
    }
    this.busy.set(1);
    const c = this.counters;
    const sram = this.sram;
    const W = this.lanes;
    c.busyCycles++;
    let issued = 0;
    const fl = this.inflight;
    while (fl.length > 0 && fl[0]!.write !== null && sram.isDone(fl[0]!.write)) fl.shift();
    for (const f of fl) {
      if (f.write !== null) continue;
      if (f.reads.length < f.task.reads.length || !f.reads.every((a) => sram.isDone(a))) break; // in order
      const data = sram.storesData ? f.task.compute(f.reads.map((a) => a.data!)) : undefined;
      f.write = sram.write(f.task.y, data);
      c.writes++;
      c.bytesWritten += W;
      c.words++;
      c.ops += f.task.ops;
      issued++;
      break;
    }
    let reads = 0;
    while (reads < this.readsPerCycle) {
      let f = fl.length > 0 ? fl[fl.length - 1]! : null;
      if (f === null || f.reads.length === f.task.reads.length) {
        if (this.next === null || fl.length >= this.maxOutstanding) break;
        f = { task: this.next, reads: [], write: null };
        fl.push(f);
        this.next = pull(cur.tasks);
        if (f.task.reads.length === 0) continue;
      }
      f.reads.push(sram.read(f.task.reads[f.reads.length]!));
      c.reads++;
      c.bytesRead += W;
      reads++;
    }
    issued += reads;
    if (issued > 0) this.progress();
    else c.stallCycles++;
    if (this.next === null && fl.length === 0) {
      cur.job.readyCycle = k + 1;
      c.jobs++;
      this.cur = null;
    }
  }

  // ---- operation planning --------------------------------------------------------------------------

  private plan(spec: VectorOpSpec): { tasks: Iterator<Task>; words: number } {
    const W = this.lanes;
    const what = `${this.path}: ${spec.kind}${spec.name ? ` '${spec.name}'` : ''}`;
    const cap = this.sram.capacityBytes;
    const region = (field: string, addr: number, bytes: number) => {
      if (!Number.isSafeInteger(addr) || addr < 0 || addr % W !== 0) {
        throw new Error(`${what}: ${field} must be a multiple of wordBytes = ${W}, got ${addr}`);
      }
      if (addr + Math.ceil(bytes / W) * W > cap) {
        throw new Error(`${what}: ${field} + ${bytes} bytes (whole words) exceeds the SRAM capacity ${cap}`);
      }
    };
    const count = (field: string, v: number, min: number) => {
      if (!Number.isSafeInteger(v) || v < min) throw new Error(`${what}: ${field} must be an integer >= ${min}, got ${v}`);
    };
    switch (spec.kind) {
      case 'add': {
        count('bytes', spec.bytes, 1);
        region('a', spec.a, spec.bytes);
        region('b', spec.b, spec.bytes);
        region('y', spec.y, spec.bytes);
        const relu = spec.relu ?? false;
        const n = Math.ceil(spec.bytes / W);
        const tasks = (function* (): Generator<Task> {
          for (let i = 0; i < n; i++) {
            const valid = Math.min(W, spec.bytes - i * W);
            yield {
              reads: [spec.a + i * W, spec.b + i * W],
              y: spec.y + i * W,
              ops: valid,
              compute: ([a, b]) => {
                const x = new Int8Array(a!.buffer, a!.byteOffset, W);
                const z = new Int8Array(b!.buffer, b!.byteOffset, W);
                const out = new Int8Array(W);
                for (let l = 0; l < W; l++) {
                  const s = sat8(x[l]! + z[l]!);
                  out[l] = relu && s < 0 ? 0 : s;
                }
                return new Uint8Array(out.buffer);
              },
            };
          }
        })();
        return { tasks, words: n };
      }
      case 'relu': {
        count('bytes', spec.bytes, 1);
        region('x', spec.x, spec.bytes);
        region('y', spec.y, spec.bytes);
        const n = Math.ceil(spec.bytes / W);
        const tasks = (function* (): Generator<Task> {
          for (let i = 0; i < n; i++) {
            yield {
              reads: [spec.x + i * W],
              y: spec.y + i * W,
              ops: Math.min(W, spec.bytes - i * W),
              compute: ([a]) => {
                const x = new Int8Array(a!.buffer, a!.byteOffset, W);
                const out = new Int8Array(W);
                for (let l = 0; l < W; l++) out[l] = x[l]! < 0 ? 0 : x[l]!;
                return new Uint8Array(out.buffer);
              },
            };
          }
        })();
        return { tasks, words: n };
      }
      case 'pool': {
        for (const f of ['h', 'w', 'c', 'k', 'stride'] as const) count(f, spec[f], 1);
        count('pad', spec.pad, 0);
        if (spec.mode !== 'max' && spec.mode !== 'avg') throw new Error(`${what}: mode must be 'max' or 'avg', got '${spec.mode}'`);
        if (spec.c % W !== 0) throw new Error(`${what}: c must be a multiple of wordBytes = ${W} (channels fill whole words), got ${spec.c}`);
        if (spec.pad >= spec.k) throw new Error(`${what}: pad must be < k (${spec.k}), got ${spec.pad}`);
        const oh = Math.floor((spec.h + 2 * spec.pad - spec.k) / spec.stride) + 1;
        const ow = Math.floor((spec.w + 2 * spec.pad - spec.k) / spec.stride) + 1;
        if (oh < 1 || ow < 1) throw new Error(`${what}: the window (k ${spec.k}, pad ${spec.pad}) is larger than the ${spec.h}x${spec.w} input`);
        region('x', spec.x, spec.h * spec.w * spec.c);
        region('y', spec.y, oh * ow * spec.c);
        const G = spec.c / W;
        const { h, w, c, k, stride, pad, mode } = spec;
        const tasks = (function* (): Generator<Task> {
          for (let oy = 0; oy < oh; oy++) {
            for (let ox = 0; ox < ow; ox++) {
              for (let g = 0; g < G; g++) {
                const reads: number[] = [];
                for (let ky = 0; ky < k; ky++) {
                  const iy = oy * stride - pad + ky;
                  if (iy < 0 || iy >= h) continue;
                  for (let kx = 0; kx < k; kx++) {
                    const ix = ox * stride - pad + kx;
                    if (ix < 0 || ix >= w) continue;
                    reads.push(spec.x + (iy * w + ix) * c + g * W);
                  }
                }
                yield {
                  reads,
                  y: spec.y + (oy * ow + ox) * c + g * W,
                  ops: reads.length * W,
                  compute: (words) => {
                    const out = new Int8Array(W);
                    for (let l = 0; l < W; l++) {
                      let acc = mode === 'max' ? -128 : 0;
                      for (const wd of words) {
                        const v = (wd[l]! << 24) >> 24;
                        acc = mode === 'max' ? Math.max(acc, v) : acc + v;
                      }
                      out[l] = mode === 'max' ? acc : sat8(roundHalfAway(acc / (k * k)));
                    }
                    return new Uint8Array(out.buffer);
                  },
                };
              }
            }
          }
        })();
        return { tasks, words: oh * ow * G };
      }
    }
    throw new Error(`${this.path}: unknown vector op kind '${(spec as { kind: unknown }).kind}': expected add, relu or pool`);
  }
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function pull<T>(it: Iterator<T>): T | null {
  const r = it.next();
  return r.done ? null : r.value;
}

function positive(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`VectorUnit ${name}: expected a positive integer, got ${v}`);
  return v;
}
