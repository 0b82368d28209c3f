import { ErrorCodes, SimError } from '../../sim/errors.ts';
import type { Signal } from '../../sim/signal.ts';

/**
 * Parameter checks and small helpers shared by the stream components. Every bad parameter is a
 * SimError (BAD_PARAMETER) that names the component's path and what was expected.
 */

/** The clock every stream component is driven by: it counts its rising edges as cycles 1, 2, 3, ... */
export interface ClockedOptions {
  clk: Signal<number>;
}

export function badParameter(path: string, message: string, hint?: string): SimError {
  return new SimError({ code: ErrorCodes.BAD_PARAMETER, message: `${path}: ${message}`, paths: [path], hint });
}

/** Throw unless `v` is an integer in [min, max]. */
export function requireInt(path: string, name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw badParameter(path, `${name} must be an integer ${range}, got ${v}`);
  }
  return v;
}

/** Lanes per beat (>= 1) and bits per lane (2..32), as a data-bus width of lanes * bits. */
export function requireLanes(path: string, lanes: number, bits: number, what = ''): number {
  requireInt(path, `${what}lanes`, lanes, 1);
  requireInt(path, `${what}bits`, bits, 2, 32);
  return lanes * bits;
}

/** A zeroed lane array for `bits`-bit lanes: Int8Array up to 8 bits, else Int32Array. */
export function laneArray(bits: number, n: number): Int8Array | Int32Array {
  return bits <= 8 ? new Int8Array(n) : new Int32Array(n);
}

/** The driver of a signal as a module path (for "waiting for X" messages), e.g. `top.join`. */
export function driverOf(sig: Signal<any>): string {
  const p = sig.driverPath;
  if (!p) return '(undriven)';
  const dot = p.lastIndexOf('.');
  return dot > 0 ? p.slice(0, dot) : p;
}

/** The port or signal name that drives `sig`, e.g. `b_ready`. */
export function driverPort(sig: Signal<any>): string {
  const p = sig.driverPath || sig.path;
  return p.slice(p.lastIndexOf('.') + 1);
}

/** The earlier name of ClockedOptions, kept for components that import it. */
export type Clocked = ClockedOptions;
