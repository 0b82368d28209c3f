import { ErrorCodes, SimError } from './errors.ts';
import type { Module } from './module.ts';
import { claimDriver } from './port.ts';

/**
 * The structural checks of elaboration: every port is bound, and every signal without an Out port is
 * driven by the module that declared it. Reports all unbound ports at once.
 */
export function checkStructure(roots: readonly Module[]): void {
  const unbound: string[] = [];
  for (const root of roots) {
    for (const m of root.walk()) {
      for (const port of m.ports) if (!port.isBound) unbound.push(port.path);
      for (const s of m.signals) if (s.driver === null) claimDriver(s, m, m.path);
    }
  }
  if (unbound.length) {
    throw new SimError({
      code: ErrorCodes.UNBOUND_PORT,
      message: `${unbound.length} port(s) were never bound: ${unbound.join(', ')}`,
      paths: unbound,
      hint: 'bind every port to a signal (port.bind(sig)) before the first run()',
    });
  }
}
