// Shared pieces of the activation-buffer planners: buffer type, validation, the live-bytes lower
// bound, and placement of buffers in a given order (first-fit or best-fit into time-overlap gaps).

/** A buffer alive from op `firstUse` to op `lastUse`, both inclusive. */
export interface PlannerBuffer {
  readonly name: string;
  readonly size: number;
  readonly firstUse: number;
  readonly lastUse: number;
}

export interface MemoryPlan {
  readonly strategy: string;
  /** Byte offset of each buffer in the arena, by buffer name. */
  readonly offsets: Readonly<Record<string, number>>;
  /** Arena size = max(offset + size). */
  readonly peak: number;
}

export type Fit = 'first' | 'best';

export function validateBuffers(buffers: readonly PlannerBuffer[]): void {
  const errs: string[] = [];
  const seen = new Set<string>();
  buffers.forEach((b, i) => {
    const who = `buffer '${b.name}' (index ${i})`;
    if (typeof b.name !== 'string' || b.name.length === 0) errs.push(`buffer index ${i}: name: expected a non-empty string`);
    else if (seen.has(b.name)) errs.push(`${who}: name: expected unique names, '${b.name}' repeats`);
    seen.add(b.name);
    if (!Number.isSafeInteger(b.size) || b.size <= 0) errs.push(`${who}: size: expected a positive integer, got ${b.size}`);
    if (!Number.isSafeInteger(b.firstUse)) errs.push(`${who}: firstUse: expected an integer op index, got ${b.firstUse}`);
    if (!Number.isSafeInteger(b.lastUse)) errs.push(`${who}: lastUse: expected an integer op index, got ${b.lastUse}`);
    else if (b.lastUse < b.firstUse) errs.push(`${who}: lastUse: expected >= firstUse (${b.firstUse}), got ${b.lastUse}`);
  });
  if (errs.length > 0) throw new Error(`invalid planner buffers:\n  ${errs.join('\n  ')}`);
}

export function overlapsInTime(a: PlannerBuffer, b: PlannerBuffer): boolean {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

/** Total live bytes at each op index from the earliest firstUse to the latest lastUse. */
export function liveBytesOverTime(buffers: readonly PlannerBuffer[]): { start: number; live: number[] } {
  if (buffers.length === 0) return { start: 0, live: [] };
  const start = Math.min(...buffers.map((b) => b.firstUse));
  const end = Math.max(...buffers.map((b) => b.lastUse));
  const delta = new Array<number>(end - start + 2).fill(0);
  for (const b of buffers) {
    delta[b.firstUse - start]! += b.size;
    delta[b.lastUse - start + 1]! -= b.size;
  }
  const live: number[] = [];
  let acc = 0;
  for (let t = 0; t <= end - start; t++) live.push((acc += delta[t]!));
  return { start, live };
}

/** No plan can beat the largest sum of sizes live at one op (the buffers at that op must be disjoint). */
export function lowerBound(buffers: readonly PlannerBuffer[]): number {
  return Math.max(0, ...liveBytesOverTime(buffers).live);
}

/** Pairs of buffers that are alive together and overlap in the arena; empty for a valid plan. */
export function findConflicts(
  buffers: readonly PlannerBuffer[],
  offsets: Readonly<Record<string, number>>,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < buffers.length; i++) {
    const a = buffers[i]!;
    const oa = offsets[a.name];
    if (oa === undefined) throw new Error(`plan has no offset for buffer '${a.name}'`);
    for (let j = i + 1; j < buffers.length; j++) {
      const b = buffers[j]!;
      const ob = offsets[b.name]!;
      if (overlapsInTime(a, b) && oa < ob + b.size && ob < oa + a.size) out.push([a.name, b.name]);
    }
  }
  return out;
}

/** Buffer sizes rounded up to `alignment` bytes, so every offset a planner returns stays aligned. */
export function alignBuffers(buffers: readonly PlannerBuffer[], alignment: number): PlannerBuffer[] {
  if (!Number.isSafeInteger(alignment) || alignment <= 0) {
    throw new Error(`alignment: expected a positive integer, got ${alignment}`);
  }
  return buffers.map((b) => ({ ...b, size: Math.ceil(b.size / alignment) * alignment }));
}

interface Placed {
  readonly index: number;
  readonly offset: number;
  readonly end: number;
}

/**
 * Places buffers one by one in `order`. Each goes into a gap between the already-placed buffers it
 * overlaps in time: the lowest gap that fits ('first', as TFLM's GreedyMemoryPlanner) or the
 * smallest one ('best', as XLA's best-fit heap); otherwise on top of them.
 * Returns offsets indexed like `buffers`.
 */
export function placeInOrder(buffers: readonly PlannerBuffer[], order: readonly number[], fit: Fit): number[] {
  if (order.length !== buffers.length || new Set(order).size !== buffers.length) {
    throw new Error(`order: expected a permutation of 0..${buffers.length - 1}, got [${order.join(', ')}]`);
  }
  const offsets = new Array<number>(buffers.length).fill(-1);
  const placed: Placed[] = []; // kept sorted by offset so gaps can be read off in one walk
  for (const idx of order) {
    const b = buffers[idx]!;
    if (b === undefined) throw new Error(`order: index ${idx} is out of range 0..${buffers.length - 1}`);
    let cursor = 0; // top of the occupied range walked so far
    let chosen = -1;
    let chosenGap = Infinity;
    for (const p of placed) {
      if (!overlapsInTime(b, buffers[p.index]!)) continue;
      const gap = p.offset - cursor;
      if (gap >= b.size && (fit === 'first' ? chosen < 0 : gap < chosenGap)) {
        chosen = cursor;
        chosenGap = gap;
        if (fit === 'first') break;
      }
      cursor = Math.max(cursor, p.end);
    }
    const offset = chosen >= 0 ? chosen : cursor;
    offsets[idx] = offset;
    const entry = { index: idx, offset, end: offset + b.size };
    let at = placed.length;
    while (at > 0 && placed[at - 1]!.offset > offset) at--;
    placed.splice(at, 0, entry);
  }
  return offsets;
}

export function toPlan(strategy: string, buffers: readonly PlannerBuffer[], offsets: readonly number[]): MemoryPlan {
  const byName: Record<string, number> = {};
  let peak = 0;
  buffers.forEach((b, i) => {
    byName[b.name] = offsets[i]!;
    peak = Math.max(peak, offsets[i]! + b.size);
  });
  return { strategy, offsets: byName, peak };
}

export function peakOf(buffers: readonly PlannerBuffer[], offsets: readonly number[]): number {
  let peak = 0;
  buffers.forEach((b, i) => (peak = Math.max(peak, offsets[i]! + b.size)));
  return peak;
}
