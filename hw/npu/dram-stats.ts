// The controller's counters (`ctrl.stats`, a plain object that reports copy) and the numbers derived from
// them: bandwidth and latency.
import type { DramRequest } from './dram-request.ts';

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

export class DramCounters {
  readonly stats: DramStats = {
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
  /** Direction of the last RD/WR (null before the first), to count turnarounds. */
  private lastColumnWasWrite: boolean | null = null;

  /** A request was submitted. */
  arrival(r: DramRequest): void {
    if (r.arrivalTime < this.stats.firstArrival) this.stats.firstArrival = r.arrivalTime;
  }

  /** The RD/WR of a request issued (its outcome and doneAt set): bytes, row outcome, turnaround, latency. */
  column(r: DramRequest, isWrite: boolean, bytes: number): void {
    const s = this.stats;
    if (r.outcome === 'hit') s.rowHits++;
    else if (r.outcome === 'miss') s.rowMisses++;
    else s.rowConflicts++;
    if (this.lastColumnWasWrite !== null && this.lastColumnWasWrite !== isWrite) s.turnarounds++;
    this.lastColumnWasWrite = isWrite;
    if (isWrite) {
      s.writes++;
      s.bytesWritten += bytes;
    } else {
      s.reads++;
      s.bytesRead += bytes;
    }
    const lat = r.doneAt - r.arrivalTime;
    s.latencySum += lat;
    if (lat > s.latencyMax) s.latencyMax = lat;
    if (r.doneAt > s.lastDone) s.lastDone = r.doneAt;
  }

  /** Bytes/s from the first submit() to the last data beat. */
  bandwidth(secondsPerStep: number): number {
    const s = this.stats;
    const span = s.lastDone - s.firstArrival;
    if (!(span > 0)) return 0;
    return (s.bytesRead + s.bytesWritten) / (span * secondsPerStep);
  }

  /** Mean latency from submit() to the last data beat, in ns. */
  meanLatencyNs(secondsPerStep: number): number {
    const n = this.stats.reads + this.stats.writes;
    return n === 0 ? 0 : (this.stats.latencySum / n) * secondsPerStep * 1e9;
  }

  maxLatencyNs(secondsPerStep: number): number {
    return this.stats.latencyMax * secondsPerStep * 1e9;
  }
}
