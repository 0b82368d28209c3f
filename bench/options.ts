/**
 * Option parsing shared by the bench scripts that take a design and sizes (bench:icarus,
 * bench:instructions). A bad option stops the script with a one-line message, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { HDL_DEFAULTS, type HdlParams } from '../hw/hdlref/designs.ts';
import type { HdlDesign } from '../testbench/hdl/hdl-bench.ts';

/** Say which option is bad and what was expected, and stop. */
export function bad(script: string, message: string): never {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

function positive(script: string, name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) bad(script, `--${name}: expected a positive whole number, got ${text}`);
  return n;
}

export interface DesignRun {
  design: HdlDesign;
  params: HdlParams;
  cycles: number;
  /** The value of the script's own count option (rounds), when it has one. */
  count: number;
}

/** `--design pipe|resid --N n --cycles c [--<countName> k]`, with this script's defaults. */
export function designRunOptions(script: string, defaults: { cycles: number; countName?: string; count?: number }): DesignRun {
  const countName = defaults.countName ?? 'rounds';
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      options: {
        design: { type: 'string', default: 'pipe' },
        N: { type: 'string', default: '64' },
        cycles: { type: 'string', default: String(defaults.cycles) },
        [countName]: { type: 'string', default: String(defaults.count ?? 1) },
      },
    }).values as Record<string, string | undefined>;
  } catch (e) {
    bad(script, (e as Error).message);
  }
  const design = values.design as HdlDesign;
  if (design !== 'pipe' && design !== 'resid') bad(script, `--design: expected pipe or resid, got ${values.design}`);
  return {
    design,
    params: { ...HDL_DEFAULTS, N: positive(script, 'N', values.N!) },
    cycles: positive(script, 'cycles', values.cycles!),
    count: positive(script, countName, values[countName]!),
  };
}
