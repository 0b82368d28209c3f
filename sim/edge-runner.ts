import type { EdgeProcess } from './signal.ts';

/** Where the kernel records which module's process is running (for driver checks and error messages). */
export interface ActiveOwnerSlot {
  activeOwner: object | null;
}

/** Runs every process of one edge list. */
export type EdgeRunner = (slot: ActiveOwnerSlot) => void;

type GroupRunner = (slot: ActiveOwnerSlot, owners: readonly object[]) => void;

// The loop that runs every owner of one shared process function. Each group gets its own copy of this
// code (new Function), with the function bound as a constant of the copy: its call site then only ever
// sees one function and one receiver class, and V8 calls the function directly or inlines it into the
// loop (it does for the reference design's register slices). With one shared loop, the call site would
// see every process body of the design and V8 would call each through its generic (megamorphic) path.
const GROUP_LOOP = `
  return (slot, owners) => {
    for (let i = 0; i < owners.length; i++) {
      const o = owners[i];
      slot.activeOwner = o;
      fn.call(o);
    }
  };`;

/** A loop of its own over every owner of `fn`. */
function groupLoop(fn: () => void): GroupRunner {
  return new Function('fn', GROUP_LOOP)(fn) as GroupRunner;
}

/** Runs a process that shares its function with no other: the generic call path. */
function single(fn: () => void): GroupRunner {
  return (slot, owners) => {
    const o = owners[0]!;
    slot.activeOwner = o;
    fn.call(o);
  };
}

/**
 * Compile an edge list (every process on one edge of one signal) into a runner. Processes that share one
 * function (a prototype method registered by many instances, e.g. `this.onRising(clk, this.tick)`) run
 * in a loop of their own, at the place of the first of them; the others run alone, so without shared
 * methods the order is the registration order. Order within an evaluate phase cannot change a result
 * (writes land in the update phase); it only decides which of two processes failing at the same edge is
 * reported. The list must not change afterwards: the kernel compiles it once, after elaboration.
 */
export function compileEdgeList(list: readonly EdgeProcess[]): EdgeRunner {
  const byFn = new Map<() => void, object[]>();
  for (const p of list) {
    const owners = byFn.get(p.fn);
    if (owners) owners.push(p.owner);
    else byFn.set(p.fn, [p.owner]);
  }
  // Map iteration follows insertion, i.e. the first appearance of each function in the list.
  const units = [...byFn].map(([fn, owners]) => ({ owners, run: owners.length > 1 ? groupLoop(fn) : single(fn) }));
  return (slot) => {
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!;
      unit.run(slot, unit.owners);
    }
  };
}
