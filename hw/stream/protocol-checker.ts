import { ErrorCodes, SimError } from '../../sim/errors.ts';
import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import { formatBeat, type Beat } from './beat.ts';
import { requireInt, type ClockedOptions } from './params.ts';
import type { StreamWires } from './stream.ts';

/**
 * ProtocolChecker: a passive monitor of one valid/ready stream (AXI-Stream rules).
 *
 * Ports: `clk`, and `valid`, `ready`, `data` as In ports bound to the watched stream's signals; it drives
 * nothing, so it can be attached to any StreamWires without changing the design.
 *
 * Parameters (`ProtocolCheckerOptions`): `mode` 'data' (default) or 'timing'; `lanes`/`bits` (optional)
 * to check the shape and range of Beat payloads; `allowValidDrop` for streams whose valid may legally fall
 * before the transfer (the branches of a lock-step Fork, whose valid depends on the other branches' ready).
 *
 * Each rising edge k (cycle k = the k-th edge) it reads the values valid/ready/data had before the edge:
 * - rule `valid-dropped`: the previous edge saw valid && !ready, and valid is now 0;
 * - rule `data-changed`: the previous edge saw valid && !ready, and data is now a different value
 *   (payload objects such as Beats compared by reference, numbers and bigints by value);
 * - rule `null-data` (data mode): a valid beat whose data is null/undefined, or a Beat whose lanes are null;
 * - rule `lanes-count` / `lanes-range` (when lanes/bits are given): a newly offered Beat has the wrong
 *   number of lanes, or a lane outside the signed bits-bit range (checked once per beat, when it first
 *   appears, since its data cannot change until it is taken);
 * then it counts the cycle as a beat (valid && ready), a stall (valid && !ready) or idle (!valid).
 * The first violation calls `sim.fail(SimError CHECK_FAILED)` naming the stream, the rule, the cycle and
 * both values; run() then rejects at the end of that time step. Later violations are only recorded.
 *
 * Latency: none (it only observes). Throughput: not affected.
 * Counters: `beats`, `stallCycles`, `idleCycles`, `cycles`, `violations` (all messages, in order).
 */
export interface ProtocolCheckerOptions extends ClockedOptions {
  /** 'data' (default): a valid beat must carry data. 'timing': null data and null lanes are fine. */
  mode?: 'data' | 'timing';
  /** Expected lanes per Beat; with `bits`, every new Beat is checked for count and range. */
  lanes?: number;
  bits?: number;
  /** Do not report valid falling before its transfer (lock-step fork branches); data is still checked. */
  allowValidDrop?: boolean;
}

export type ProtocolRule = 'valid-dropped' | 'data-changed' | 'null-data' | 'lanes-count' | 'lanes-range';

export interface ProtocolViolation {
  rule: ProtocolRule;
  cycle: number;
  message: string;
}

export class ProtocolChecker<T = Beat | null> extends Module {
  beats = 0;
  stallCycles = 0;
  idleCycles = 0;
  cycles = 0;
  readonly violations: ProtocolViolation[] = [];
  /** The stream's name (its path), as in messages. */
  readonly stream: string;
  private readonly dataMode: boolean;
  private readonly lanes: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly allowValidDrop: boolean;
  private readonly v: Signal<number>;
  private readonly r: Signal<number>;
  private readonly d: Signal<T>;
  /** The previous edge saw valid && !ready: the beat then offered must still be offered. */
  private held = false;
  private heldData: T | undefined = undefined;

  constructor(parent: Module, name: string, wires: StreamWires<T>, options: ProtocolCheckerOptions) {
    super(parent, name);
    this.stream = wires.name;
    this.dataMode = (options.mode ?? 'data') === 'data';
    this.allowValidDrop = options.allowValidDrop ?? false;
    this.lanes = options.lanes === undefined ? 0 : requireInt(this.path, 'lanes', options.lanes, 1);
    const bits = options.bits === undefined ? 0 : requireInt(this.path, 'bits', options.bits, 2, 32);
    this.lo = bits ? -(2 ** (bits - 1)) : -Infinity;
    this.hi = bits ? 2 ** (bits - 1) - 1 : Infinity;
    this.input('clk', 1).bind(options.clk);
    this.v = this.input('valid', 1).bind(wires.valid).sig;
    this.r = this.input('ready', 1).bind(wires.ready).sig;
    this.d = this.input<T>('data', wires.data.width).bind(wires.data).sig;
    this.onRising(options.clk, this.edge);
  }

  private edge(): void {
    const cycle = ++this.cycles;
    const valid = this.v.value;
    const data = this.d.value;
    let fresh = true;
    if (this.held) {
      fresh = false;
      if (!valid) {
        if (!this.allowValidDrop) {
          this.violate('valid-dropped', cycle, `valid fell to 0 before the beat was taken (ready was 0 at the previous edge); before: valid 1, data ${show(this.heldData)}; now: valid 0, data ${show(data)}`);
        }
      } else if (data !== this.heldData) {
        this.violate('data-changed', cycle, `data changed while valid && !ready (the beat was not taken); before: ${show(this.heldData)}; now: ${show(data)}`);
        fresh = true;
      }
    }
    if (!valid) {
      this.idleCycles++;
      this.held = false;
      this.heldData = undefined;
      return;
    }
    if (fresh) this.checkBeat(data, cycle);
    if (this.r.value) {
      this.beats++;
      this.held = false;
      this.heldData = undefined;
    } else {
      this.stallCycles++;
      this.held = true;
      this.heldData = data;
    }
  }

  private checkBeat(data: T, cycle: number): void {
    if (data === null || data === undefined) {
      if (this.dataMode) this.violate('null-data', cycle, `valid is 1 but data is ${String(data)}; expected a beat in data mode`);
      return;
    }
    if (typeof data !== 'object' || !('lanes' in (data as object))) return;
    const lanes = (data as unknown as Beat).lanes;
    if (lanes === null) {
      if (this.dataMode) this.violate('null-data', cycle, `valid beat ${formatBeat(data as unknown as Beat)} has lanes null; expected lane values in data mode`);
      return;
    }
    if (this.lanes && lanes.length !== this.lanes) {
      this.violate('lanes-count', cycle, `beat ${formatBeat(data as unknown as Beat)} has ${lanes.length} lanes; expected ${this.lanes}`);
      return;
    }
    const lo = this.lo;
    const hi = this.hi;
    if (lo === -Infinity) return;
    // An Int8Array cannot leave an 8-bit (or wider) range: skip the loop on the common case.
    if (lanes instanceof Int8Array && lo <= -128) return;
    for (let i = 0; i < lanes.length; i++) {
      const x = lanes[i]!;
      if (x < lo || x > hi) {
        this.violate('lanes-range', cycle, `lane ${i} of beat ${formatBeat(data as unknown as Beat)} holds ${x}; expected ${lo}..${hi}`);
        return;
      }
    }
  }

  private violate(rule: ProtocolRule, cycle: number, detail: string): void {
    const message = `stream ${this.stream}: rule '${rule}' violated at cycle ${cycle}: ${detail}`;
    this.violations.push({ rule, cycle, message });
    if (this.violations.length > 1) return;
    this.sim.fail(
      new SimError({
        code: ErrorCodes.CHECK_FAILED,
        message,
        paths: [this.stream, this.path],
        time: this.sim.time,
        hint: 'a producer must hold valid and data until valid && ready at a rising edge (AXI-Stream)',
      }),
    );
  }
}

function show(v: unknown): string {
  if (v !== null && typeof v === 'object' && 'lanes' in v) return formatBeat(v as Beat);
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}
