import type { Module } from '../../sim/module.ts';
import type { In, Out, Port } from '../../sim/port.ts';
import type { Signal, SignalOptions } from '../../sim/signal.ts';

/**
 * A valid/ready stream (AXI-Stream rules, see docs/components.md): a beat transfers at a rising edge
 * where valid && ready held before the edge; once valid is high, valid and data hold until the transfer.
 */
export interface StreamWires<T = number> {
  readonly name: string;
  readonly valid: Signal<number>;
  readonly ready: Signal<number>;
  readonly data: Signal<T>;
}

export interface StreamShape<T = number> {
  /** Bits of the data bus. */
  width: number;
  /** Options of the data signal (kind 'data' payloads, encoders). */
  data?: SignalOptions<T>;
}

/** Declare the three signals of a stream in `parent`: `<name>_valid`, `<name>_ready`, `<name>_data`. */
export function streamWires<T = number>(parent: Module, name: string, shape: StreamShape<T>): StreamWires<T> {
  return {
    name: `${parent.path}.${name}`,
    valid: parent.signal(`${name}_valid`, 1),
    ready: parent.signal(`${name}_ready`, 1),
    data: parent.signal<T>(`${name}_data`, shape.width, shape.data),
  };
}

/**
 * The three signals a stream port bundle is bound to. Hot edge processes fetch them once, in
 * `endOfElaboration()`, instead of going through the ports every cycle.
 */
export interface StreamSignals<T = number> {
  readonly valid: Signal<number>;
  readonly ready: Signal<number>;
  readonly data: Signal<T>;
}

/** The three ports of one stream on a module; StreamIn and StreamOut differ only in their directions. */
abstract class StreamPorts<T, V extends Port<number>, R extends Port<number>, D extends Port<T>> {
  constructor(
    readonly owner: Module,
    readonly name: string,
    readonly width: number,
    readonly valid: V,
    readonly ready: R,
    readonly data: D,
  ) {}

  /** The bound signals (after elaboration). */
  signals(): StreamSignals<T> {
    return { valid: this.valid.sig, ready: this.ready.sig, data: this.data.sig };
  }

  bind(w: StreamWires<T>): this {
    this.valid.bind(w.valid);
    this.ready.bind(w.ready);
    this.data.bind(w.data);
    return this;
  }
}

/** The consumer side of a stream on a module: valid and data in, ready out. */
export class StreamIn<T = number> extends StreamPorts<T, In<number>, Out<number>, In<T>> {
  constructor(owner: Module, name: string, width: number) {
    super(owner, name, width, owner.input(`${name}_valid`, 1), owner.output(`${name}_ready`, 1), owner.input<T>(`${name}_data`, width));
  }
}

/** The producer side of a stream on a module: valid and data out, ready in. */
export class StreamOut<T = number> extends StreamPorts<T, Out<number>, In<number>, Out<T>> {
  constructor(owner: Module, name: string, width: number) {
    super(owner, name, width, owner.output(`${name}_valid`, 1), owner.input(`${name}_ready`, 1), owner.output<T>(`${name}_data`, width));
  }
}

/** Declare a stream in `parent` and bind a producer and a consumer to it. */
export function connect<T>(parent: Module, name: string, from: StreamOut<T>, to: StreamIn<T>, data?: SignalOptions<T>): StreamWires<T> {
  const w = streamWires<T>(parent, name, { width: from.width, data });
  from.bind(w);
  to.bind(w);
  return w;
}
