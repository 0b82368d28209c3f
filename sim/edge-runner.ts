import type { EdgeProcess } from './signal.ts';

/** Where the kernel records which module's process is running (for driver checks and error messages). */
export interface ActiveOwnerSlot {
  activeOwner: object | null;
}

/** Runs every process of one edge list. */
export type EdgeRunner = (slot: ActiveOwnerSlot) => void;

type GroupRunner = (slot: ActiveOwnerSlot, fn: () => void, owners: readonly object[]) => void;

// The loop that runs every owner of one shared process function. Each group gets its own copy of this
// code (new Function), so that its call site only ever sees one function and one receiver class: V8 then
// inlines the body into the loop. With one shared loop, the call site would see every process body of
// the design and V8 would call each through the generic (megamorphic) path.
const GROUP_LOOP = `
  for (let i = 0; i < owners.length; i++) {
    const o = owners[i];
    slot.activeOwner = o;
    fn.call(o);
  }`;

/**
 * Compile an edge list (every process on one edge of one signal) into a runner. Processes that share one
 * function (a prototype method registered by many instances, e.g. `this.onRising(clk, this.tick)`) run
 * in a loop of their own; the others run one after the other. Order within an evaluate phase cannot
 * change a result (writes land in the update phase), so grouping is free to reorder. The list must not
 * change afterwards: the kernel compiles it once, after elaboration.
 */
export function compileEdgeList(list: readonly EdgeProcess[]): EdgeRunner {
  const byFn = new Map<() => void, object[]>();
  for (const p of list) {
    const owners = byFn.get(p.fn);
    if (owners) owners.push(p.owner);
    else byFn.set(p.fn, [p.owner]);
  }
  const groups: { fn: () => void; owners: object[]; run: GroupRunner }[] = [];
  const singles: EdgeProcess[] = [];
  for (const [fn, owners] of byFn) {
    if (owners.length > 1) groups.push({ fn, owners, run: new Function('slot', 'fn', 'owners', GROUP_LOOP) as GroupRunner });
    else singles.push({ fn, owner: owners[0]! });
  }
  return (slot) => {
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      group.run(slot, group.fn, group.owners);
    }
    for (let i = 0; i < singles.length; i++) {
      const p = singles[i]!;
      slot.activeOwner = p.owner;
      p.fn.call(p.owner);
    }
  };
}
