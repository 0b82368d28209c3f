/** Options and statistics of the VcdWriter (waves/vcd-writer.ts). */
import type { Writable } from 'node:stream';
import type { ScopeFilterOptions } from './scope-filter.ts';

export interface VcdWriterOptions extends ScopeFilterOptions {
  /** Output file (written with fs.writeSync). Exactly one of `path` and `stream`. */
  path?: string;
  /** Output stream. Ended by `close()` unless `endStream` is false. */
  stream?: Writable;
  endStream?: boolean;
  /** `$date` text; fix it for byte-identical golden files. Default: the current time, ISO 8601. */
  date?: string;
  /** `$version` text; default `skipsim`. */
  version?: string;
  /** Optional header `$comment` (one line). */
  comment?: string;
  /** Only this time range is written, in design time units: [start, end). */
  window?: { start?: number; end?: number };
  /** Gzip the output (GTKWave loads `.vcd.gz`). */
  gzip?: boolean;
  /** Flush threshold in bytes; default 64 KiB. */
  flushBytes?: number;
}

export interface VcdWriterStats {
  /** VCD bytes produced (before compression). */
  bytesWritten: number;
  /** Bytes handed to the file or stream (after compression). */
  bytesOut: number;
  flushes: number;
  /** Size of the reusable encode buffer; constant after open(). */
  bufferCapacity: number;
  /** Largest number of bytes ever held in the encode buffer. */
  peakBuffered: number;
  /** Bytes a Writable is still holding (0 for files). */
  pendingBytes: number;
  /** Number of distinct traced signals (id codes). */
  slots: number;
  /** Number of `$var` declarations (signals plus port aliases). */
  vars: number;
}
