/**
 * Every kernel error carries a stable code, the hierarchical path(s) involved, the simulation time and
 * delta at which it happened, and a hint that says how to fix it. Codes never change meaning.
 */
export const ErrorCodes = {
  /** A port was never bound to a signal before elaboration finished. */
  UNBOUND_PORT: 'SKS-E001',
  /** A signal got a second driver (two Out ports, or an Out port and a process of another module). */
  MULTIPLE_DRIVERS: 'SKS-E002',
  /** A port and the signal bound to it have different widths. */
  WIDTH_MISMATCH: 'SKS-E003',
  /** A value does not fit the signal's width or kind. */
  VALUE_RANGE: 'SKS-E004',
  /** Delta cycles did not settle: a combinational loop. */
  COMBINATIONAL_LOOP: 'SKS-E005',
  /** The progress watchdog saw no progress while work remained. */
  DEADLOCK: 'SKS-E006',
  /** A structural change after elaboration froze the design. */
  FROZEN: 'SKS-E007',
  /** A name is empty, has forbidden characters or collides with a sibling. */
  BAD_NAME: 'SKS-E008',
  /** A parameter given to the kernel is out of its valid range. */
  BAD_PARAMETER: 'SKS-E009',
  /** A process wrote a signal that its module does not drive. */
  WRONG_DRIVER: 'SKS-E010',
  /** A hardware or testbench process threw. */
  PROCESS_FAILED: 'SKS-E011',
  /** A protocol or data check in a component failed (stream rules, tag mismatch, scoreboard). */
  CHECK_FAILED: 'SKS-E012',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface SimErrorInfo {
  code: ErrorCode;
  message: string;
  paths?: readonly string[];
  time?: number;
  delta?: number;
  hint?: string;
  cause?: unknown;
}

export class SimError extends Error {
  readonly code: ErrorCode;
  readonly paths: readonly string[];
  readonly time: number | undefined;
  readonly delta: number | undefined;
  readonly hint: string | undefined;

  constructor(info: SimErrorInfo) {
    super(formatSimError(info), info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'SimError';
    this.code = info.code;
    this.paths = info.paths ?? [];
    this.time = info.time;
    this.delta = info.delta;
    this.hint = info.hint;
  }
}

function formatSimError(info: SimErrorInfo): string {
  const where: string[] = [];
  if (info.time !== undefined) where.push(`time ${info.time}`);
  if (info.delta !== undefined) where.push(`delta ${info.delta}`);
  const lines = [`[${info.code}] ${info.message}${where.length ? ` (at ${where.join(', ')})` : ''}`];
  if (info.paths && info.paths.length) lines.push(`  involved: ${info.paths.join(', ')}`);
  if (info.hint) lines.push(`  hint: ${info.hint}`);
  return lines.join('\n');
}

/** A value as error messages show it (bigints with their n, strings quoted, objects by type). */
export function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return Object.prototype.toString.call(v);
}

/** SKS-E011: a process or testbench coroutine of `ownerPath` threw `error` (kept as the cause). */
export function processFailedError(ownerPath: string, error: unknown, time: number, delta: number): SimError {
  if (error instanceof SimError) return error;
  const msg = error instanceof Error ? error.message : String(error);
  return new SimError({
    code: ErrorCodes.PROCESS_FAILED,
    message: `process of ${ownerPath} threw: ${msg}`,
    paths: [ownerPath],
    time,
    delta,
    hint: 'the original error is attached as `cause`',
    cause: error,
  });
}

/** SKS-E005: delta cycles did not settle; names the signals still changing and their drivers. */
export function combinationalLoopError(
  signals: readonly { path: string; driverPath: string }[],
  maxDeltas: number,
  time: number,
  delta: number,
): SimError {
  const drivers = [...new Set(signals.map((s) => s.driverPath))];
  return new SimError({
    code: ErrorCodes.COMBINATIONAL_LOOP,
    message:
      `delta cycles did not settle after ${maxDeltas} deltas: a combinational loop. ` +
      `Signals still changing: ${signals.map((s) => s.path).join(', ')}; driven by: ${drivers.join(', ')}`,
    paths: [...signals.map((s) => s.path), ...drivers],
    time,
    delta,
    hint: 'break the loop with a register, or raise maxDeltas if the design really needs that many',
  });
}

/** SKS-E007: a change to the design's structure after elaboration. */
export function frozenError(what: string, paths?: readonly string[]): SimError {
  return new SimError({
    code: ErrorCodes.FROZEN,
    message: `cannot ${what}: the design was elaborated and is frozen`,
    paths,
    hint: 'build the whole design (modules, signals, bindings, processes, trace sinks) before the first run()',
  });
}

/** SKS-E009: a parameter out of its valid range; the message names the parameter and what was expected. */
export function badParameterError(message: string, paths?: readonly string[]): SimError {
  return new SimError({ code: ErrorCodes.BAD_PARAMETER, message, paths });
}
