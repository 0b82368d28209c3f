import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * Where the VCD writer's flushed chunks go. The writer reuses one Buffer, so every sink must be done with a
 * chunk when `write` returns (the file sink writes it synchronously; the stream sink copies it).
 */
export interface ChunkSink {
  write(chunk: Buffer): void;
  /** Flush and release; for a stream, waits until the data has been handed on. */
  close(): Promise<void>;
  /** Bytes handed to the destination (after compression). */
  readonly bytesOut: number;
  /** Bytes a stream sink is holding because its consumer is slower (0 for files). */
  readonly pendingBytes: number;
  /** Resolves once the destination can take more (immediately for files). */
  drained(): Promise<void>;
}

/**
 * A file written with fs.writeSync: memory stays bounded by the writer's one buffer and there is no
 * backpressure to manage, at the cost of blocking the event loop for the duration of each 64 KiB write.
 */
export class FileSink implements ChunkSink {
  private fd: number | null;
  bytesOut = 0;
  readonly pendingBytes = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  write(chunk: Buffer): void {
    if (this.fd === null) throw new Error(`VcdWriter: write to ${this.path} after it was closed`);
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
    this.bytesOut += chunk.length;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}

/**
 * A caller's Writable. `write()` cannot block, so when the stream reports a full buffer the chunk is still
 * queued (Node keeps it) and `drained()` lets an async caller wait; `close()` always waits for the data to
 * be flushed (or for the stream to finish when `end` is set).
 */
export class StreamSink implements ChunkSink {
  bytesOut = 0;
  /** Times `write()` returned false. */
  backpressureEvents = 0;
  private error: Error | null = null;

  constructor(
    readonly stream: Writable,
    private readonly end: boolean,
  ) {
    stream.on('error', (e: Error) => {
      this.error ??= e;
    });
  }

  get pendingBytes(): number {
    return this.stream.writableLength;
  }

  write(chunk: Buffer): void {
    if (this.error) throw this.error;
    // Copy: the writer reuses its buffer for the next chunk while the stream may still hold this one.
    if (!this.stream.write(Buffer.from(chunk))) this.backpressureEvents++;
    this.bytesOut += chunk.length;
  }

  drained(): Promise<void> {
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.stream.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.end) {
      await new Promise<void>((resolve, reject) => {
        if (this.stream.writableFinished) return resolve();
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
    } else {
      await this.drained();
    }
    if (this.error) throw this.error;
  }
}

/**
 * Gzip in front of another sink. Each chunk becomes one gzip member (gzip readers, zlib's gzread and
 * GTKWave's `.vcd.gz` loader concatenate members); that keeps compression synchronous and the memory bound
 * of the plain path, for a few bytes of member header per chunk.
 */
export class GzipSink implements ChunkSink {
  constructor(
    private readonly inner: ChunkSink,
    private readonly level = 1,
  ) {}

  get bytesOut(): number {
    return this.inner.bytesOut;
  }

  get pendingBytes(): number {
    return this.inner.pendingBytes;
  }

  write(chunk: Buffer): void {
    this.inner.write(zlib.gzipSync(chunk, { level: this.level }));
  }

  drained(): Promise<void> {
    return this.inner.drained();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
