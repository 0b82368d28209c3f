/** Something that happens at a future time step (a clock edge, a testbench timer). */
export interface TimedEvent {
  /** Time step at which it fires. */
  at: number;
  /** Tie-breaker: events at equal time fire in the order they were scheduled (determinism). */
  seq: number;
  fire(): void;
}

/** A binary min-heap of timed events ordered by (at, seq). Allocation-free once warm. */
export class EventQueue {
  private heap: TimedEvent[] = [];
  private seq = 0;
  /** Time of the earliest event (Infinity when empty), kept so that peekTime is one load. */
  private nextAt = Infinity;

  get size(): number {
    return this.heap.length;
  }

  push(ev: TimedEvent, at: number): void {
    ev.at = at;
    ev.seq = this.seq++;
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(ev, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = ev;
    this.nextAt = h[0]!.at;
  }

  peekTime(): number {
    return this.nextAt;
  }

  pop(): TimedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) {
      this.nextAt = Infinity;
      return top;
    }
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    this.nextAt = h[0]!.at;
    return top;
  }
}

function before(a: TimedEvent, b: TimedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
