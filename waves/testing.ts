/**
 * Test scaffolding for waves/: a DesignView built from plain Signals without the kernel (tests set
 * `sig.value` directly and call the sink the way sim/trace.ts documents), and an in-memory Writable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Signal, type SignalHost, type SignalOptions } from '../sim/signal.ts';
import type { DesignView, ScopeView } from '../sim/trace.ts';

export const fakeHost: SignalHost = {
  updates: [],
  nUpdates: 0,
  activeOwner: null,
  time: 0,
  delta: 0,
};

export class FakeScope implements ScopeView {
  readonly signals: Signal<any>[] = [];
  readonly ports: { name: string; signal: Signal<any> }[] = [];
  readonly children: FakeScope[] = [];

  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  signal<T = number>(name: string, width: number, options: SignalOptions<T> = {}): Signal<T> {
    const s = new Signal<T>(fakeHost, this, name, width, options);
    this.signals.push(s);
    return s;
  }

  port(name: string, signal: Signal<any>): this {
    this.ports.push({ name, signal });
    return this;
  }

  child(name: string): FakeScope {
    const c = new FakeScope(name, `${this.path}.${name}`);
    this.children.push(c);
    return c;
  }
}

export function rootScope(name: string): FakeScope {
  return new FakeScope(name, name);
}

export function fakeDesign(roots: ScopeView[], timescale = '1ns', clocks: Signal<number>[] = []): DesignView {
  return { timescale, roots, clocks };
}

/** A Writable that keeps everything written to it. */
export class MemoryWritable extends Writable {
  readonly chunks: Buffer[] = [];

  constructor(options?: { highWaterMark?: number; delayMs?: number }) {
    const delay = options?.delayMs ?? -1;
    super({
      highWaterMark: options?.highWaterMark,
      write: (chunk: Buffer, _enc, cb) => {
        this.chunks.push(chunk);
        if (delay >= 0) setTimeout(cb, delay);
        else cb();
      },
    });
  }

  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.buffer.toString('latin1');
  }
}

export function tempDir(prefix = 'skipsim-waves-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
