// Why the MAC array (or the vector unit) was idle, from the edges the run recorded. A unit is busy on
// edges [start, done) of each of its tasks. The idle edges before a task are split among the tasks it
// waited for, in the order they finished: each dependency is charged the edges from the previous one's
// finish to its own, so the last to finish (the critical one) is charged only the delay it added beyond
// the others (an add waiting for F(X) and then for the fill of X charges the fill with the difference).
// Edges after the last dependency finished are the issue latency; edges after the unit's last task are
// 'done'. A dependency is named by what it was: the adder (an add on the
// vector unit), another vector op, the MAC array, a DMA load (the fill of a spilled skip tensor
// separately), a store (a spill separately), or a weight load. Dependencies are per unit (the last task
// of each unit a task needs), so a wait for several loads is charged to the last one in program order.
import { UNITS, type NpuProgram, type Task } from './npu-program.ts';

export const IDLE_REASONS = ['adder', 'vector', 'mac', 'load', 'fill', 'store', 'spill', 'weights', 'issue', 'done'] as const;
export type IdleReason = (typeof IDLE_REASONS)[number];
export type IdleCycles = Record<IdleReason, number>;

export const zeroIdle = (): IdleCycles => Object.fromEntries(IDLE_REASONS.map((r) => [r, 0])) as IdleCycles;

export function reasonOf(t: Task): IdleReason {
  switch (t.unit) {
    case 'vec':
      return t.spec.kind === 'add' ? 'adder' : 'vector';
    case 'mac':
      return 'mac';
    case 'wload':
      return 'weights';
    case 'load':
      return t.causes.some((c) => c.cause === 'skipFill') ? 'fill' : 'load';
    case 'store':
      return t.causes.some((c) => c.cause === 'skipSpill') ? 'spill' : 'store';
  }
}

/** The tasks `t` waited for (the last of each unit), in the order they finished. */
export function dependencies(program: NpuProgram, t: Task, done: ArrayLike<number>): Task[] {
  const deps: Task[] = [];
  for (let u = 0; u < UNITS.length; u++) {
    const seq = t.needs[u]!;
    if (seq >= 0) deps.push(program.queues[UNITS[u]!][seq]!);
  }
  return deps.sort((a, b) => done[a.id]! - done[b.id]! || a.id - b.id);
}

export interface IdleBreakdown {
  readonly busy: number;
  readonly idle: IdleCycles;
  /** Idle edges charged to each task that then ran (by task id). */
  readonly waitBefore: ReadonlyMap<number, number>;
}

/** Busy and idle edges of one unit over edges 1..endCycle. */
export function idleBreakdown(
  program: NpuProgram,
  unit: 'mac' | 'vec',
  started: ArrayLike<number>,
  done: ArrayLike<number>,
  endCycle: number,
): IdleBreakdown {
  const idle = zeroIdle();
  const waitBefore = new Map<number, number>();
  let busy = 0;
  let free = 1; // first edge the unit was free
  for (const t of program.queues[unit]) {
    const s = started[t.id]!;
    const d = done[t.id]!;
    if (s < 0 || d < 0) throw new Error(`idleBreakdown: task '${t.label}' did not run`);
    const gap = s - free;
    if (gap > 0) {
      let from = free;
      for (const dep of dependencies(program, t, done)) {
        const to = Math.min(done[dep.id]!, s);
        if (to > from) {
          idle[reasonOf(dep)] += to - from;
          from = to;
        }
      }
      idle.issue += s - from;
      waitBefore.set(t.id, gap);
    }
    busy += d - Math.max(s, free);
    free = Math.max(free, d);
  }
  idle.done += Math.max(0, endCycle + 1 - free);
  return { busy, idle, waitBefore };
}
