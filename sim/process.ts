import type { Wakeable } from './signal.ts';

/** What the kernel needs to know about whoever runs processes: a path for messages and driver checks. */
export interface ProcessOwner {
  readonly path: string;
}

export interface ProcessQueue {
  schedule(p: Process): void;
}

/**
 * A hardware process: a plain callback run in the evaluate phase when one of its triggers fires
 * (a clock edge for clocked logic, an input change for combinational logic). At most once per delta.
 */
export class Process implements Wakeable {
  scheduled = false;
  constructor(
    readonly owner: ProcessOwner,
    readonly kind: 'rising' | 'falling' | 'comb',
    readonly fn: () => void,
    private readonly queue: ProcessQueue,
  ) {}

  wake(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      this.queue.schedule(this);
    }
  }
}
