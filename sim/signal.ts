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
  /**
   * The update list: the signals written in this delta, in `updates[0 .. nUpdates-1]`. A signal appends
   * itself on its first write in a delta (see Signal.enqueue); the update phase applies and empties it.
   * It is a plain array and count rather than a method so that the append compiles into each writer.
   */
  readonly updates: Signal<any>[];
  nUpdates: number;
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

/** What a signal is: fixed at construction and read when binding, tracing and reporting, never per write. */
interface SignalInfo<T> {
  readonly owner: Owner;
  readonly name: string;
  readonly width: number;
  readonly id: number;
  readonly kind: SignalKind;
  readonly traceAs: TraceAs;
  readonly untraced: boolean;
  readonly encode: ((value: T) => bigint | number) | undefined;
  readonly validate: ((value: T) => string | null) | undefined;
  /** Largest value for kind `bits`. */
  readonly max: number;
  /** Human-readable name of the driver, for error messages. */
  driverPath: string;
}

/**
 * Everything that reacts when a signal changes: processes, trace sinks and waiting coroutines. Created
 * for a signal when the first of them attaches, so that unobserved signals (most register-to-register
 * wires) carry none of it.
 */
export class SignalReactions {
  /** Set at elaboration when at least one trace sink records this signal. */
  traced = false;
  /** True while queued for the tracer in this time step. */
  traceDirty = false;
  /** One-shot async waiters (testbench triggers), or null when none wait: one check on the hot path. */
  waiters: SignalWaiter[] | null = null;
  /** Processes woken when the value changes (any change). */
  readonly onChange: Wakeable[] = [];
  /** Processes run on a 0 -> 1 change (1-bit signals), as a whole list. */
  readonly onRise: EdgeProcess[] = [];
  /** Processes run on a 1 -> 0 change (1-bit signals). */
  readonly onFall: EdgeProcess[] = [];
  /** onRise and onFall compiled at elaboration (sim/edge-runner.ts); null when the list is empty. */
  riseRunner: EdgeRunner | null = null;
  fallRunner: EdgeRunner | null = null;
}

/**
 * A signal: one value, exactly one driver, written with `set()` (the write lands in the next update phase,
 * as a Verilog non-blocking assignment or a SystemC sc_signal write) and read with `value`.
 *
 * The object holds only what set() and the update phase touch; what the signal is lives in `info` and
 * what reacts to it in `reactions`. A long pipeline reads and writes hundreds of signals per cycle, and
 * small signal objects keep its working set near the size of the L1 cache (docs/performance.md).
 * The fields are assigned in the constructor, in this order, with their first real value: a field
 * declared with an initializer-less class field would start as `undefined`, and V8 would then keep it
 * as a generic tagged value (every read type-checked) instead of a small integer.
 */
export class Signal<T = number> {
  declare value: T;
  /** The value requested in this delta, applied in the update phase. */
  declare next: T;
  /** 1 while queued for the update phase, else 0 (a small integer: V8 tests it without a type check). */
  declare pending: number;
  /**
   * For set()'s fast path: (v & fitMask) === v holds exactly for the values 0..2^31-1 that fit a `bits`
   * signal of up to 31 bits (0x7fffffff for 32 bits, whose upper half takes the checked path); 0 for
   * the other kinds, which always take the checked path.
   */
  declare private readonly fitMask: number;
  declare readonly host: SignalHost;
  /** The module that drives this signal (set during elaboration), or null for a testbench-free input. */
  declare driver: object | null;
  /** Processes, trace sinks and waiters, or null when nothing observes the signal (see observe()). */
  declare reactions: SignalReactions | null;
  declare private readonly info: SignalInfo<T>;

  constructor(host: SignalHost, owner: Owner, name: string, width: number, options: SignalOptions<T> = {}) {
    const kind = options.kind ?? (width > 32 ? 'wide' : 'bits');
    if (!Number.isInteger(width) || width < 1) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `signal ${owner.path}.${name}: width must be a positive integer, got ${width}`,
        paths: [`${owner.path}.${name}`],
        hint: 'declare the signal with a width of 1 or more bits',
      });
    }
    if (kind === 'bits' && width > 32) {
      throw new SimError({
        code: ErrorCodes.BAD_PARAMETER,
        message: `signal ${owner.path}.${name}: kind 'bits' holds at most 32 bits, got width ${width}`,
        paths: [`${owner.path}.${name}`],
        hint: "use kind 'wide' (bigint) for wider signals",
      });
    }
    const init = (options.init ?? defaultInit(kind)) as T;
    this.value = init;
    this.next = init;
    this.pending = 0;
    // Computed with integer operations so that the field holds small integers only (2 ** w is a double).
    this.fitMask = kind !== 'bits' ? 0 : width >= 31 ? 0x7fffffff : (1 << width) - 1;
    this.host = host;
    this.driver = null;
    this.reactions = null;
    this.info = {
      owner,
      name,
      width,
      id: nextSignalId++,
      kind,
      traceAs: options.traceAs ?? (kind === 'real' ? 'real' : 'wire'),
      untraced: options.untraced ?? false,
      encode: options.encode,
      validate: options.validate,
      max: width >= 32 ? 0xffffffff : 2 ** width - 1,
      driverPath: '',
    };
    this.check(init);
  }

  get owner(): Owner {
    return this.info.owner;
  }
  get name(): string {
    return this.info.name;
  }
  get width(): number {
    return this.info.width;
  }
  /** A number unique to this signal in the process (creation order). */
  get id(): number {
    return this.info.id;
  }
  get kind(): SignalKind {
    return this.info.kind;
  }
  get traceAs(): TraceAs {
    return this.info.traceAs;
  }
  get untraced(): boolean {
    return this.info.untraced;
  }
  get encode(): ((value: T) => bigint | number) | undefined {
    return this.info.encode;
  }
  get validate(): ((value: T) => string | null) | undefined {
    return this.info.validate;
  }
  /** Human-readable name of the driver, for error messages ('' before a driver is claimed). */
  get driverPath(): string {
    return this.info.driverPath;
  }
  set driverPath(p: string) {
    this.info.driverPath = p;
  }

  /** True when anything reacts to a change: the update phase skips all notification work otherwise. */
  get observed(): boolean {
    return this.reactions !== null;
  }

  /** The signal's reactions, created on first use: attaching one makes the signal observed. */
  observe(): SignalReactions {
    return (this.reactions ??= new SignalReactions());
  }

  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }

  /** Request `v` as the next value; it becomes visible after the current evaluate phase. */
  set(v: T): void {
    // Re-writing the current value is the common case (valid stays high, ready stays high); the value is
    // known to fit, so it costs one compare. A pending write must still be overridden.
    if (v === this.value && this.pending === 0) return;
    // Fast path: a narrow `bits` value that fits the mask, written by the signal's driver. Everything
    // else (other kinds, testbench writes, errors) takes checkedSet, kept out of line so this stays small
    // enough for V8 to inline into every process that writes.
    const n = v as unknown as number;
    const m = this.fitMask;
    const host = this.host;
    if (typeof n === 'number' && (n & m) === n && m !== 0 && host.activeOwner === this.driver) {
      this.enqueue(v);
      return;
    }
    this.checkedSet(v);
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
    if (this.pending === 0) {
      this.pending = 1;
      const host = this.host;
      host.updates[host.nUpdates++] = this;
    }
    this.next = v;
  }

  /** Validate a value for this signal's kind and width; throws a SimError naming the signal. */
  check(v: T): void {
    switch (this.kind) {
      case 'bits': {
        const n = v as unknown as number;
        if (typeof n !== 'number' || n !== n >>> 0 || n > this.info.max) this.rangeError(v);
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
        ? `an unsigned integer in 0..${this.info.max}`
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

/**
 * A `bits` signal. The class adds nothing but its own V8 hidden class: the values of `bits` signals are
 * then the only ones V8 sees in these fields, keeps them as small integers, and compiles reads of
 * `value` in processes without the type checks that bigint, float and payload values would need.
 */
export class BitsSignal<T = number> extends Signal<T> {}

/** A new signal of the class for its kind (see BitsSignal). */
export function createSignal<T>(host: SignalHost, owner: Owner, name: string, width: number, options: SignalOptions<T> = {}): Signal<T> {
  const bits = (options.kind ?? (width > 32 ? 'wide' : 'bits')) === 'bits';
  return bits ? new BitsSignal<T>(host, owner, name, width, options) : new Signal<T>(host, owner, name, width, options);
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
