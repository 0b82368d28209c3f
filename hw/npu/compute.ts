// The compute side seen by the NPU's memory system: how many cycles a layer keeps the MAC array busy.
// The NPU controller needs only this, so any engine (the MacArray's closed form, a fixed-rate ideal
// array, a measured table) can be plugged in.
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { macArrayCycles } from '../mac-array/formula.ts';
import { layerMacs, type ArrayConfig, type MacLayer } from '../mac-array/layer.ts';

export type { MacLayer } from '../mac-array/layer.ts';

export interface LayerCost {
  /** Clock cycles of the compute engine. */
  cycles: number;
  macs: number;
}

export interface ComputeEngine {
  readonly name: string;
  layerCycles(layer: MacLayer): LayerCost;
}

/** The systolic MacArray (hw/mac-array), through its closed form (equal to its clocked simulation). */
export function macArrayEngine(cfg: ArrayConfig): ComputeEngine {
  return {
    name: `mac-array ${cfg.rows}x${cfg.cols} ${cfg.dataflow}`,
    layerCycles(layer) {
      const r = macArrayCycles(cfg, layer);
      return { cycles: r.cycles, macs: r.macs };
    },
  };
}

/** An ideal engine: `macsPerCycle` useful MACs every cycle (100% utilisation), the roofline's roof. */
export function idealEngine(macsPerCycle: number): ComputeEngine {
  if (!Number.isSafeInteger(macsPerCycle) || macsPerCycle < 1) {
    throw new Error(`idealEngine macsPerCycle: expected a positive integer, got ${macsPerCycle}`);
  }
  return {
    name: `ideal ${macsPerCycle} MAC/cycle`,
    layerCycles(layer) {
      const macs = layerMacs(layer);
      return { cycles: Math.ceil(macs / macsPerCycle), macs };
    },
  };
}

/** A layer run on a ComputeUnit; poll `unit.isDone(job)`. */
export class ComputeJob {
  /** First edge at which isDone() is true. */
  readyCycle = Infinity;
  startCycle = -1;
  constructor(
    readonly layer: MacLayer,
    readonly cost: LayerCost,
    readonly issuedCycle: number,
  ) {}
}

/**
 * A clocked stand-in for the MAC array in a memory-system simulation: it is busy for the engine's cycle
 * count per layer, one job at a time, in submission order. Per edge: a job issued after edge k starts at
 * edge k+1 (if the unit is idle) and occupies edges k+1 .. k+cycles; isDone() holds from edge k+cycles+1
 * (a registered done flag, so the answer does not depend on process order). `busy` is traced.
 */
export class ComputeUnit extends Module {
  readonly busy: Signal;
  busyCycles = 0;
  macs = 0;
  layers = 0;
  private readonly queue: ComputeJob[] = [];
  private current: ComputeJob | null = null;
  private remaining = 0;
  private readonly cyclesOf: () => number;

  constructor(
    parent: Module,
    name: string,
    clk: Signal<number>,
    readonly engine: ComputeEngine,
  ) {
    super(parent, name);
    const clock = this.sim.clockOf(clk);
    this.cyclesOf = () => clock.cycles;
    this.busy = this.signal('busy', 1);
    this.onRising(clk, this.edge);
  }

  run(layer: MacLayer): ComputeJob {
    const job = new ComputeJob(layer, this.engine.layerCycles(layer), this.cyclesOf());
    this.queue.push(job);
    return job;
  }

  isDone(job: ComputeJob): boolean {
    return job.readyCycle <= this.cyclesOf();
  }

  override blockedOn(): string | null {
    return this.current ? `computing (${this.remaining} cycles left)` : null;
  }

  private edge(): void {
    const k = this.cyclesOf();
    if (this.current === null && this.queue.length > 0 && this.queue[0]!.issuedCycle < k) {
      this.current = this.queue.shift()!;
      this.current.startCycle = k;
      this.remaining = this.current.cost.cycles;
    }
    const job = this.current;
    if (job === null) {
      this.busy.set(0);
      return;
    }
    this.busy.set(1);
    this.busyCycles++;
    this.progress();
    if (--this.remaining <= 0) {
      job.readyCycle = k + 1;
      this.macs += job.cost.macs;
      this.layers++;
      this.current = null;
    }
  }
}
