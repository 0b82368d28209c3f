import { ErrorCodes, SimError } from '../sim/errors.ts';
import type { Signal } from '../sim/signal.ts';
import type { DesignView, ScopeView } from '../sim/trace.ts';
import { IdCodeAllocator } from './id-codes.ts';
import { sanitizeName } from './names.ts';
import { makeScopeFilter, type ScopeFilterOptions } from './scope-filter.ts';

/**
 * Decides what a trace declares and under which names: the filtered scope tree, sanitized names, VCD types
 * and sizes, and one id code per traced signal (ports reuse their signal's code as aliases). The VCD writer
 * and the `.gtkw` writer both build on this, so a save file names exactly what the VCD declares.
 */

export type VcdVarType = 'wire' | 'integer' | 'real';

/** How a slot's value is turned into VCD text (plain constants: no TS enum, so any TS runner can strip types). */
export const ValueMode = {
  /** Kind `bits`, declared size 1: `0!`/`1!`. */
  Scalar: 0,
  /** Kind `bits`, declared as a vector (`b101 !`). */
  VectorNumber: 1,
  /** Kind `wide`: bigint values. */
  VectorBigint: 2,
  /** Real values (`r1.5 !`). */
  Real: 3,
  /** Kind `data`: `bitsOf()` gives number or bigint, a `null` payload is all-x. */
  Data: 4,
} as const;
export type ValueMode = (typeof ValueMode)[keyof typeof ValueMode];

/** One traced signal: it owns one id code however many `$var`s (signal plus ports) alias it. */
export interface Slot {
  readonly index: number;
  readonly signal: Signal<any>;
  readonly code: string;
  readonly type: VcdVarType;
  /** Declared `$var` size. */
  readonly size: number;
  readonly mode: ValueMode;
  /** Full path of its first declaration (scope path + name), e.g. `top.fifo.count`. */
  readonly path: string;
}

export interface VarDecl {
  readonly slot: Slot;
  /** Sanitized reference name without the range. */
  readonly name: string;
  /** ` [7:0]` for wire vectors, '' otherwise (integer and real carry no range). */
  readonly range: string;
  /** True when this declaration is a port alias. */
  readonly isPort: boolean;
  /** Where it came from, for error messages. */
  readonly source: string;
}

export interface ScopeDecl {
  /** Sanitized local name. */
  readonly name: string;
  /** Sanitized full path as a viewer shows it. */
  readonly path: string;
  readonly view: ScopeView;
  readonly vars: VarDecl[];
  readonly children: ScopeDecl[];
}

export interface TraceLayout {
  readonly roots: readonly ScopeDecl[];
  /** Traced signals in id-code order. */
  readonly slots: readonly Slot[];
  /** Map from a signal to its slot. */
  readonly slotOf: ReadonlyMap<Signal<any>, Slot>;
}

export function buildLayout(design: DesignView, filterOptions: ScopeFilterOptions = {}): TraceLayout {
  const filter = makeScopeFilter(filterOptions);
  const ids = new IdCodeAllocator();
  const slots: Slot[] = [];
  const slotOf = new Map<Signal<any>, Slot>();

  const slotFor = (sig: Signal<any>, path: string): Slot => {
    let slot = slotOf.get(sig);
    if (!slot) {
      const type = varType(sig);
      slot = {
        index: slots.length,
        signal: sig,
        code: ids.allocate(),
        type,
        size: type === 'real' ? 64 : type === 'integer' ? Math.max(32, sig.width) : sig.width,
        mode: valueMode(sig, type),
        path,
      };
      slots.push(slot);
      slotOf.set(sig, slot);
    }
    return slot;
  };

  const walk = (view: ScopeView, parentPath: string, depth: number): ScopeDecl | null => {
    const name = sanitizeName(view.name);
    const path = parentPath ? `${parentPath}.${name}` : name;
    const decl: ScopeDecl = { name, path, view, vars: [], children: [] };
    if (filter.includes(view.path, depth)) {
      const byName = new Map<string, VarDecl>();
      const add = (sig: Signal<any>, rawName: string, isPort: boolean) => {
        if (sig.untraced) return;
        const varName = sanitizeName(rawName);
        const source = `${isPort ? 'port' : 'signal'} ${view.path}.${rawName}`;
        const prior = byName.get(varName);
        if (prior) {
          // A port bound to the signal of the same name in the same module is the same wire: declare it once.
          if (prior.slot.signal === sig) return;
          throw new SimError({
            code: ErrorCodes.BAD_NAME,
            message: `trace name collision in scope ${view.path}: ${prior.source} and ${source} are both traced as '${varName}'`,
            paths: [prior.source.replace(/^\w+ /, ''), `${view.path}.${rawName}`],
            hint: 'rename one of them; names are mapped onto [A-Za-z0-9_$] for VCD, so a.b and a_b collide',
          });
        }
        const slot = slotFor(sig, `${path}.${varName}`);
        const range = slot.type === 'wire' && slot.size > 1 ? ` [${slot.size - 1}:0]` : '';
        const v: VarDecl = { slot, name: varName, range, isPort, source };
        byName.set(varName, v);
        decl.vars.push(v);
      };
      for (const sig of view.signals) add(sig, sig.name, false);
      for (const port of view.ports) add(port.signal, port.name, true);
    }
    if (filter.descends(depth)) {
      const seen = new Map<string, ScopeView>();
      for (const child of view.children) {
        const childName = sanitizeName(child.name);
        const prior = seen.get(childName);
        if (prior) throw scopeCollision(prior, child, childName);
        seen.set(childName, child);
        const c = walk(child, path, depth + 1);
        if (c) decl.children.push(c);
      }
    }
    // Scopes with nothing traced in their subtree are left out entirely.
    return decl.vars.length > 0 || decl.children.length > 0 ? decl : null;
  };

  const roots: ScopeDecl[] = [];
  const seenRoots = new Map<string, ScopeView>();
  for (const root of design.roots) {
    const rootName = sanitizeName(root.name);
    const prior = seenRoots.get(rootName);
    if (prior) throw scopeCollision(prior, root, rootName);
    seenRoots.set(rootName, root);
    const r = walk(root, '', 0);
    if (r) roots.push(r);
  }
  return { roots, slots, slotOf };
}

function scopeCollision(a: ScopeView, b: ScopeView, name: string): SimError {
  return new SimError({
    code: ErrorCodes.BAD_NAME,
    message: `trace scope collision: modules ${a.path} and ${b.path} are both traced as scope '${name}'`,
    paths: [a.path, b.path],
    hint: 'rename one of them; a VCD scope must be opened exactly once, and names are mapped onto [A-Za-z0-9_$]',
  });
}

function varType(sig: Signal<any>): VcdVarType {
  if (sig.kind === 'real' || sig.traceAs === 'real') return 'real';
  if (sig.traceAs === 'integer') return 'integer';
  return 'wire';
}

function valueMode(sig: Signal<any>, type: VcdVarType): ValueMode {
  if (type === 'real') return ValueMode.Real;
  switch (sig.kind) {
    case 'bits':
      return type === 'wire' && sig.width === 1 ? ValueMode.Scalar : ValueMode.VectorNumber;
    case 'wide':
      return ValueMode.VectorBigint;
    case 'data':
      return ValueMode.Data;
    default:
      return ValueMode.Real;
  }
}

/** The trace name a viewer shows for a declaration: `top.fifo.data[7:0]`, `top.fifo.count` (integer). */
export function viewerName(scope: ScopeDecl, v: VarDecl): string {
  return `${scope.path}.${v.name}${v.range.replace(' ', '')}`;
}

/** The viewer name of a slot's first declaration (where a save file should point for that signal). */
export function slotViewerName(slot: Slot): string {
  return slot.type === 'wire' && slot.size > 1 ? `${slot.path}[${slot.size - 1}:0]` : slot.path;
}

/** Number of `$var` declarations in `scopes` and all their children. */
export function countVars(scopes: readonly ScopeDecl[]): number {
  let n = 0;
  for (const s of scopes) n += s.vars.length + countVars(s.children);
  return n;
}
