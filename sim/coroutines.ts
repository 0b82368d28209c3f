import type { ProcessOwner } from './process.ts';
import type { SignalReactions } from './signal.ts';

/**
 * Bookkeeping of async testbench processes (cocotb-style coroutines). The kernel resumes them in an
 * evaluate phase; a coroutine then runs, as a promise continuation, up to its next `await` of a kernel
 * trigger (sim/triggers.ts), where it registers what wakes it next.
 */
export class Coroutines {
  /** Continuations to run in the current (or next) evaluate phase. */
  resumes: (() => void)[] = [];
  /** Continuations waiting for the current time step to settle. */
  private settled: (() => void)[] = [];
  /** The first coroutine that threw, if any. */
  failure: { owner: ProcessOwner; error: unknown } | null = null;

  /** Start `body`; it first runs in the next evaluate phase. */
  fork(owner: ProcessOwner, body: () => Promise<void>): Promise<void> {
    const started = new Promise<void>((resolve) => this.resumes.push(resolve));
    const run = started.then(body);
    run.catch((error: unknown) => {
      if (this.failure === null) this.failure = { owner, error };
    });
    return run;
  }

  whenSettled(resolve: () => void): void {
    this.settled.push(resolve);
  }

  /** At the end of a time step's deltas: move the "settled" waiters to the resume list; false if none. */
  releaseSettled(): boolean {
    if (this.settled.length === 0) return false;
    this.resumes.push(...this.settled);
    this.settled.length = 0;
    return true;
  }

  /** Resume the waiters of `s` whose condition the change old -> v meets; keep the others. */
  checkWaiters(r: SignalReactions, old: unknown, v: unknown): void {
    const keep = [];
    for (const w of r.waiters!) {
      if (w.matches(old, v)) this.resumes.push(() => w.resume());
      else keep.push(w);
    }
    r.waiters = keep.length ? keep : null;
  }

  /**
   * Run the continuations queued so far. Their writes are requested like any process's; one macrotask
   * later every continuation has run up to its next kernel trigger, so the update phase may follow.
   * Continuations queued meanwhile (nextDelta) wait for the next evaluate phase.
   */
  async resumeBatch(): Promise<void> {
    const batch = this.resumes;
    this.resumes = [];
    for (const r of batch) r();
    await new Promise<void>((done) => setImmediate(done));
  }
}
