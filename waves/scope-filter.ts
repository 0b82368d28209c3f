/**
 * Which scopes of a design go into a trace. Shared by the VCD and `.gtkw` writers so that a save file only
 * names signals the VCD declares.
 *
 * - `scopes`: glob patterns matched against a scope's full path (`top.block0.conv1`). `*` matches any run of
 *   characters including `.`, `?` one character. A pattern selects the scopes it matches, not their
 *   subtrees: `top.block0` is that one module, `top.block0.*` everything below it, `*.fifo` every module named
 *   fifo below a root. Ancestors of a selected scope are still opened (so the hierarchy stays intact) but
 *   their own signals are left out.
 * - `depth`: maximum depth below the roots; roots are depth 0, so `depth: 0` traces only the top modules.
 */
export interface ScopeFilterOptions {
  scopes?: readonly string[];
  depth?: number;
}

export interface ScopeFilter {
  /** True when the signals of the scope at `path` (at `depth` below its root) are traced. */
  includes(path: string, depth: number): boolean;
  /** True when scopes below `depth` may still be traced (prunes the walk). */
  descends(depth: number): boolean;
}

export function makeScopeFilter(options: ScopeFilterOptions): ScopeFilter {
  const { scopes, depth } = options;
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) {
    throw new RangeError(`scope filter option 'depth': expected a non-negative integer, got ${depth}`);
  }
  const patterns = (scopes ?? []).map((p, i) => {
    if (typeof p !== 'string' || p.length === 0) {
      throw new RangeError(`scope filter option 'scopes[${i}]': expected a non-empty pattern, got ${JSON.stringify(p)}`);
    }
    return globToRegExp(p);
  });
  const maxDepth = depth ?? Infinity;
  return {
    includes(path, d) {
      if (d > maxDepth) return false;
      if (patterns.length === 0) return true;
      for (const re of patterns) if (re.test(path)) return true;
      return false;
    },
    descends(d) {
      return d < maxDepth;
    },
  };
}

export function globToRegExp(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}
