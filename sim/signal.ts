import type { EdgeRunner } from './edge-runner.ts';
import { ErrorCodes, SimError, describeValue as describe } from './errors.ts';

/**
 * How a signal holds its value:
 * - `bits`: an unsigned integer of 1..32 bits held as a JS number (the hot path);
 * - `wide`: an unsigned integer of any width held as a bigint;
 * - `real`: a float64 (traced as a VCD `real`);
 * - `data`: an immutable payload object (e.g. an Int8Array of SIMD lanes) with an encoder for tracing.
 */
export type SignalKind = 'bits' | 'wide' | 'real' | 'data';

/** How a signal is declared in a VCD file. */
export type TraceAs = 'wire' | 'integer' | 'real';

/** The part of the kernel a signal talks to when it is written. */
export interface SignalHost {
  /** Queue `sig` for the next update phase (called once per signal per delta). */
  requestUpdate(sig: Signal<any>): void;
  /** The module whose process is running, or null outside the evaluate phase. */
  readonly activeOwner: object | null;
  readonly time: number;
  readonly delta: number;
}

/** Anything that owns signals and has a hierarchical path (a Module). */
export interface Owner {
  readonly path: string;
}

export interface SignalOptions<T> {
  kind?: SignalKind;
  init?: T;
  /** VCD declaration; default `wire` (`real` for kind real). */
  traceAs?: TraceAs;
  /** Leave this signal out of traces. */
  untraced?: boolean;
  /** For kind `data`: turn a payload into the unsigned integer whose bits are traced. */
  encode?: (value: T) => bigint | number;
  /** For kind `data`: return a message if a value is not acceptable, else null. */
  validate?: (value: T) => string | null;
}

let nextSignalId = 0;

/**
 * A signal: one value, exactly one driver, written with `set()` (the write lands in the next update phase,
 * as a Verilog non-blocking assignment or a SystemC sc_signal write) and read with `value`.
 */
export class Signal<T = number> {
  // The fields set() and the update phase touch come first, so that they share the object's first
  // cache line (V8 lays out fields in definition order); a 64-stage pipeline otherwise spills L1.
  value: T;
  /** The value requested in this delta, applied in the update phase. */
  next: T;
  /** True while queued for the update phase. */
  pending = false;
  /**
   * For set()'s fast path: (v & fitMask) === v holds exactly for the values 0..2^31-1 that fit a `bits`
   * signal of up to 31 bits (0x7fffffff for 32 bits, whose upper half takes the checked path); 0 for
   * the other kinds, which always take the checked path.
   */
  private readonly fitMask: number;
  readonly host: SignalHost;
  /** The module that drives this signal (set during elaboration), or null for a testbench-free input. */
  driver: object | null = null;
  /**
   * True when anything reacts to a change: a process, a trace sink or a waiting coroutine. The update
   * phase skips all notification work for unobserved signals (most register-to-register wires).
   */
  observed = false;
  readonly owner: Owner;
  readonly name: string;
  readonly width: number;
  readonly id = nextSignalId++;
  readonly kind: SignalKind;
  readonly traceAs: TraceAs;
  readonly untraced: boolean;
  readonly encode: ((value: T) => bigint | number) | undefined;
  readonly validate: ((value: T) => string | null) | undefined;
  /** Largest value for kind `bits`. */
  private readonly max: number;

  /** True while queued for the tracer in this time step. */
  traceDirty = false;
  /** Set at elaboration when at least one trace sink records this signal. */
  traced = false;
  /** One-shot async waiters (testbench triggers), or null when none wait: one check on the hot path. */
  waiters: SignalWaiter[] | null = null;
  /** Human-readable name of the driver, for error messages. */
  driverPath = '';
  /** Processes woken when the value changes (any change). */
  readonly onChange: Wakeable[] = [];
  /** Processes run on a 0 -> 1 change (1-bit signals), as a whole list. */
  readonly onRise: EdgeProcess[] = [];
  /** Processes run on a 1 -> 0 change (1-bit signals). */
  readonly onFall: EdgeProcess[] = [];
  /** onRise and onFall compiled at elaboration (sim/edge-runner.ts); null when the list is empty. */
  riseRunner: EdgeRunner | null = null;
  fallRunner: EdgeRunner | null = null;

  constructor(host: SignalHost, owner: Owner, name: string, width: number, options: SignalOptions<T> = {}) {
    this.host = host;
    this.owner = owner;
    this.name = name;
    this.width = width;
    this.kind = options.kind ?? (width > 32 ? 'wide' : 'bits');
    if (!Number.isInteger(width) || width < 1) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `signal ${owner.path}.${name}: width must be a positive integer, got ${width}`,
        paths: [`${owner.path}.${name}`],
        hint: 'declare the signal with a width of 1 or more bits',
      });
    }
    if (this.kind === 'bits' && width > 32) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `signal ${owner.path}.${name}: kind 'bits' holds at most 32 bits, got width ${width}`,
        paths: [`${owner.path}.${name}`],
        hint: "use kind 'wide' (bigint) for wider signals",
      });
    }
    this.traceAs = options.traceAs ?? (this.kind === 'real' ? 'real' : 'wire');
    this.untraced = options.untraced ?? false;
    this.encode = options.encode;
    this.validate = options.validate;
    this.max = width >= 32 ? 0xffffffff : 2 ** width - 1;
    this.fitMask = this.kind !== 'bits' ? 0 : width >= 31 ? 0x7fffffff : this.max;
    const init = options.init ?? defaultInit(this.kind);
    this.check(init as T);
    this.value = init as T;
    this.next = init as T;
  }

  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }

  /** Request `v` as the next value; it becomes visible after the current evaluate phase. */
  set(v: T): void {
    // Re-writing the current value is the common case (valid stays high, ready stays high); the value is
    // known to fit, so it costs one compare. A pending write must still be overridden.
    if (v === this.value && !this.pending) return;
    // Fast path: a narrow `bits` value that fits the mask, written by the signal's driver. Everything
    // else (other kinds, testbench writes, errors) takes checkedSet, kept out of line so this stays small.
    const m = this.fitMask;
    const host = this.host;
    const n = v as unknown as number;
    if (m === 0 || typeof n !== 'number' || (n & m) !== n || host.activeOwner !== this.driver) {
      this.checkedSet(v);
      return;
    }
    this.enqueue(v);
  }

  /** set() with every check: value range or payload for the signal's kind, and the writer. */
  private checkedSet(v: T): void {
    this.check(v);
    const writer = this.host.activeOwner;
    if (writer !== this.driver && writer !== null) this.driverError();
    this.enqueue(v);
  }

  /** Record `v` as the next value; the first write in a delta queues the signal for the update phase. */
  private enqueue(v: T): void {
    if (!this.pending) {
      this.pending = true;
      this.host.requestUpdate(this);
    }
    this.next = v;
  }

  /** Validate a value for this signal's kind and width; throws a SimError naming the signal. */
  check(v: T): void {
    switch (this.kind) {
      case 'bits': {
        const n = v as unknown as number;
        if (typeof n !== 'number' || n !== n >>> 0 || n > this.max) this.rangeError(v);
        return;
      }
      case 'wide': {
        const b = v as unknown as bigint;
        if (typeof b !== 'bigint' || b < 0n || b >> BigInt(this.width) !== 0n) this.rangeError(v);
        return;
      }
      case 'real':
        if (typeof v !== 'number') this.rangeError(v);
        return;
      case 'data': {
        const problem = this.validate ? this.validate(v) : null;
        if (problem !== null) this.rangeError(v, problem);
        return;
      }
    }
  }

  /** The value as an unsigned integer for tracing (not defined for kind real). */
  bitsOf(v: T = this.value): bigint | number {
    if (this.kind === 'data') {
      if (!this.encode) return 0;
      return this.encode(v);
    }
    return v as unknown as bigint | number;
  }

  private rangeError(v: unknown, detail?: string): never {
    const expected =
      this.kind === 'bits'
        ? `an unsigned integer in 0..${this.max}`
        : this.kind === 'wide'
          ? `a bigint in 0..2^${this.width}-1`
          : this.kind === 'real'
            ? 'a number'
            : 'a valid payload';
    throw new SimError({
      code: ErrorCodes.VALUE_RANGE,
      message: `signal ${this.path} (${this.width} bit${this.width > 1 ? 's' : ''}): value ${describe(v)} is not ${expected}${detail ? `: ${detail}` : ''}`,
      paths: [this.path],
      time: this.host.time,
      delta: this.host.delta,
      hint: 'values never wrap silently: mask or saturate the value in the component, or widen the signal',
    });
  }

  private driverError(): never {
    const writer = (this.host.activeOwner as Owner | null)?.path ?? '(unknown)';
    throw new SimError({
      code: ErrorCodes.WRONG_DRIVER,
      message: `signal ${this.path} is driven by ${this.driverPath || '(no driver)'} but ${writer} wrote it`,
      paths: [this.path, writer],
      time: this.host.time,
      delta: this.host.delta,
      hint: 'a signal has exactly one driver: write it only from the module that owns its Out port',
    });
  }
}

/** A testbench coroutine waiting for a change of one signal. */
export interface SignalWaiter {
  /** Edge or value condition, checked in the update phase with the old and new value. */
  matches(oldValue: unknown, newValue: unknown): boolean;
  resume(): void;
}

/** A clocked process: its owner (for driver checks and messages) and its body, called with the owner as `this`. */
export interface EdgeProcess {
  readonly owner: object;
  readonly fn: () => void;
}

/** A process or waiter that the kernel can wake. */
export interface Wakeable {
  wake(): void;
}

function defaultInit(kind: SignalKind): unknown {
  switch (kind) {
    case 'wide':
      return 0n;
    case 'data':
      return null;
    default:
      return 0;
  }
}
