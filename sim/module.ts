import { ErrorCodes, frozenError, SimError } from './errors.ts';
import { checkName } from './names.ts';
import { In, Out, type Port } from './port.ts';
import { createSignal, type Signal, type SignalOptions } from './signal.ts';
import type { Simulator } from './simulator.ts';
import type { ScopeView } from './trace.ts';

/** Anything a process can be sensitive to: a signal or a port bound to one. */
export type Trigger = Signal<any> | Port<any>;

/**
 * A node of the design hierarchy. Subclasses declare ports, signals and child modules in their
 * constructor and register processes; the parent binds the ports. After `Simulator.elaborate()` the
 * structure is frozen.
 */
export class Module implements ScopeView {
  readonly sim: Simulator;
  // Where the module sits in the hierarchy lives in an object of its own: read when building, tracing and
  // reporting, never by processes. Subclass fields (the state processes touch every cycle) then come
  // right after the object header, in the same cache lines.
  private readonly node: ModuleNode;

  constructor(parent: Module | Simulator, name: string) {
    if (parent instanceof Module) {
      const path = `${parent.path}.${name}`;
      this.sim = parent.sim;
      this.node = new ModuleNode(parent, name, path);
      checkName(name, path);
      parent.claimName(name, path);
      parent.children.push(this);
    } else {
      this.sim = parent;
      this.node = new ModuleNode(null, name, name);
      checkName(name, name);
      parent.addRoot(this);
    }
  }

  get name(): string {
    return this.node.name;
  }
  get parent(): Module | null {
    return this.node.parent;
  }
  get path(): string {
    return this.node.path;
  }
  get children(): Module[] {
    return this.node.children;
  }
  get signals(): Signal<any>[] {
    return this.node.signals;
  }
  get ports(): Port<any>[] {
    return this.node.ports;
  }

  /** Declare a signal in this module's scope. It is driven by this module unless an Out port claims it. */
  signal<T = number>(name: string, width: number, options?: SignalOptions<T>): Signal<T> {
    this.assertNotFrozen(`declare signal ${this.path}.${name}`);
    checkName(name, `${this.path}.${name}`);
    this.claimName(name, `${this.path}.${name}`);
    const s = createSignal<T>(this.sim, this, name, width, options);
    this.signals.push(s);
    return s;
  }

  input<T = number>(name: string, width: number): In<T> {
    return this.addPort(new In<T>(this, name, width));
  }

  output<T = number>(name: string, width: number): Out<T> {
    return this.addPort(new Out<T>(this, name, width));
  }

  /**
   * A clocked process: `fn` runs after each rising edge of `clk`, reading the values from before it.
   * It is called with this module as `this`, so a prototype method can be passed as it is
   * (`this.onRising(clk, this.tick)`); the kernel then runs the process of every instance sharing that
   * method in one loop of its own, whose call V8 makes directly (a closure per instance is called
   * through V8's slower generic path). See docs/kernel.md.
   */
  onRising(clk: Trigger, fn: (this: this) => void): void {
    this.sim.addEdgeProcess(this, clk, 'rising', fn as () => void);
  }

  /** As onRising, on the falling edge. */
  onFalling(clk: Trigger, fn: (this: this) => void): void {
    this.sim.addEdgeProcess(this, clk, 'falling', fn as () => void);
  }

  /** A combinational process: runs once at time 0 and again in every delta after any input changes. */
  comb(inputs: readonly Trigger[], fn: (this: this) => void): void {
    this.sim.addCombProcess(this, inputs, fn as () => void);
  }

  /** Start an async testbench process (cocotb style); see sim/triggers.ts. */
  fork(body: () => Promise<void>): Promise<void> {
    return this.sim.fork(this, body);
  }

  /** Tell the progress watchdog that this module moved data this cycle. */
  progress(): void {
    this.sim.progress();
  }

  /**
   * For deadlock diagnosis: what this module waits on right now, or null if it is not blocked.
   * Components override it, e.g. "skip FIFO full (512/512)" or "waiting for main-path input row 3".
   */
  blockedOn(): string | null {
    return null;
  }

  /**
   * Called once when the design is elaborated (every port bound), before time 0: the place to cache
   * bound signals in fields so hot processes skip the port indirection (SystemC's end_of_elaboration).
   */
  endOfElaboration(): void {}

  /** All modules below this one, depth first, this one included. */
  *walk(): Generator<Module> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }

  assertNotFrozen(what: string): void {
    if (this.sim.elaborated) throw frozenError(what, [this.path]);
  }

  private addPort<P extends Port<any>>(port: P): P {
    this.assertNotFrozen(`declare port ${port.path}`);
    checkName(port.name, port.path);
    this.claimName(port.name, port.path);
    this.ports.push(port);
    return port;
  }

  private claimName(name: string, path: string): void {
    if (this.node.names.has(name)) {
      throw new SimError({
        code: ErrorCodes.BAD_NAME,
        message: `${path}: the name '${name}' is already used in ${this.path} by another module, signal or port`,
        paths: [path],
        hint: 'names are unique within a module (they become one VCD scope)',
      });
    }
    this.node.names.add(name);
  }
}

/** A module's place in the hierarchy: its name, path, parent and what it declares. */
class ModuleNode {
  readonly children: Module[] = [];
  readonly signals: Signal<any>[] = [];
  readonly ports: Port<any>[] = [];
  readonly names = new Set<string>();

  constructor(
    readonly parent: Module | null,
    readonly name: string,
    readonly path: string,
  ) {}
}
