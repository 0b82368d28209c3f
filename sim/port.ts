import { ErrorCodes, SimError } from './errors.ts';
import type { Signal } from './signal.ts';

/** Port direction: an `In` port reads a signal, an `Out` port drives it (and may read it back). */
export type Direction = 'in' | 'out';

/** What a port needs from the module that owns it. */
export interface PortOwner {
  readonly path: string;
  assertNotFrozen(what: string): void;
}

/**
 * A module's port. Before elaboration the parent binds it to a signal; after that `value` reads the
 * signal and (for `Out`) `set()` writes it. Ports add no delta cycles: they are names for signals.
 */
export abstract class Port<T = number> {
  abstract readonly direction: Direction;
  private bound: Signal<T> | null = null;

  constructor(
    readonly owner: PortOwner,
    readonly name: string,
    readonly width: number,
  ) {}

  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }

  get isBound(): boolean {
    return this.bound !== null;
  }

  /** The bound signal. Components on the hot path cache it after elaboration. */
  get sig(): Signal<T> {
    const s = this.bound;
    if (s === null) {
      throw new SimError({
        code: ErrorCodes.UNBOUND_PORT,
        message: `port ${this.path} is used but was never bound to a signal`,
        paths: [this.path],
        hint: `bind it during elaboration, e.g. ${this.name}.bind(someSignal) or connect(out, in)`,
      });
    }
    return s;
  }

  get value(): T {
    return this.sig.value;
  }

  /** The bound signal, under the name the tracing interface (sim/trace.ts ScopeView) uses. */
  get signal(): Signal<T> {
    return this.sig;
  }

  /** Bind this port to a signal of the same width. */
  bind(signal: Signal<T>): this {
    this.owner.assertNotFrozen(`bind ${this.path}`);
    if (this.bound !== null) {
      throw new SimError({
        code: ErrorCodes.MULTIPLE_DRIVERS,
        message: `port ${this.path} is already bound to ${this.bound.path}; cannot also bind it to ${signal.path}`,
        paths: [this.path, this.bound.path, signal.path],
        hint: 'a port is bound exactly once',
      });
    }
    if (signal.width !== this.width) {
      throw new SimError({
        code: ErrorCodes.WIDTH_MISMATCH,
        message: `port ${this.path} is ${this.width} bit(s) wide but signal ${signal.path} is ${signal.width}`,
        paths: [this.path, signal.path],
        hint: 'widths must match exactly; insert a width converter or resize the signal',
      });
    }
    if (this.direction === 'out') claimDriver(signal, this.owner, this.path);
    this.bound = signal;
    return this;
  }
}

export class In<T = number> extends Port<T> {
  readonly direction = 'in' as const;
}

export class Out<T = number> extends Port<T> {
  readonly direction = 'out' as const;

  /** Request `v` as the next value of the bound signal (visible after this evaluate phase). */
  set(v: T): void {
    this.sig.set(v);
  }
}

/** Make `driver` the one driver of `signal`, or fail naming both drivers. */
export function claimDriver(signal: Signal<any>, driver: { readonly path: string }, via: string): void {
  if (signal.driver !== null && signal.driver !== driver) {
    throw new SimError({
      code: ErrorCodes.MULTIPLE_DRIVERS,
      message: `signal ${signal.path} already has a driver (${signal.driverPath}); ${via} would be a second one`,
      paths: [signal.path, signal.driverPath, via],
      hint: 'every signal has exactly one driver; merge the logic or use a mux/join component',
    });
  }
  signal.driver = driver;
  signal.driverPath = via;
}
