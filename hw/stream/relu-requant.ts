import { Module } from '../../sim/module.ts';
import type { Beat } from './beat.ts';
import { badParameter, requireInt, requireLanes, type ClockedOptions } from './params.ts';
import { StreamIn, StreamOut, type StreamSignals } from './stream.ts';

/**
 * ReluRequant: one pipeline register that turns int32 accumulator lanes into int8 activations.
 *
 * Ports: `clk`; `s` (StreamIn, lanes x inBits, Int32Array lanes), `m` (StreamOut, lanes x 8, Int8Array).
 * Parameters (`ReluRequantOptions`): `lanes`, `inBits` (default 32), `scale` (an int32, any sign),
 * `shift` (0..63), `relu` (default false).
 *
 * Per lane, with p = acc * scale computed exactly (a 32x32 -> 64-bit multiply built from 16-bit limbs,
 * as a DSP would, since a float64 holds only 53 bits):
 *   shift = 0: r = p;  shift > 0: r = sign(p) * floor((|p| + 2^(shift-1)) / 2^shift)  (round half away
 *   from zero);  out = clamp(r, -128, 127), then max(out, 0) when `relu` (ReLU after requantisation, as
 *   the reference block does). Matches testbench/ref/quant.ts `requantize`, computed independently.
 *
 * Handshake: a register slice with combinational ready, s_ready = !m_valid || m_ready. Each rising edge:
 * if s_valid && s_ready the output register loads the requantised beat (tag and last kept); else if
 * m_valid && m_ready it empties. Timing mode (lanes null): same handshakes, no arithmetic.
 * Latency 1; throughput 1 beat per cycle; storage one beat.
 * Counters: `beats`, `ops` (lanes requantised = lanes per beat), `inputStallCycles` (s_valid && !s_ready),
 * `outputStallCycles` (m_valid && !m_ready).
 */
export interface ReluRequantOptions extends ClockedOptions {
  lanes: number;
  inBits?: number;
  scale: number;
  shift: number;
  relu?: boolean;
}

const TWO16 = 65536;
const TWO32 = 4294967296;
const TWO52 = 4503599627370496;

/**
 * Requantise one accumulator to int8 with integer arithmetic: exact acc * scale, round half away from
 * zero at `shift`, saturate. acc and scale are int32 values, shift an integer in 0..63.
 */
export function requantLane(acc: number, scale: number, shift: number): number {
  const neg = acc < 0 !== scale < 0;
  const a = acc < 0 ? -acc : acc;
  const s = scale < 0 ? -scale : scale;
  let q: number;
  const p = a * s;
  if (p <= TWO52 && shift <= 52) {
    // Exact in a double: p < 2^53 and p + 2^(shift-1) < 2^53; dividing by 2^shift is exact too.
    q = shift === 0 ? p : Math.floor((p + 2 ** (shift - 1)) / 2 ** shift);
  } else {
    // 64-bit product as hi:lo 32-bit words from 16-bit limbs (every partial sum stays below 2^53).
    const aH = Math.floor(a / TWO16);
    const aL = a % TWO16;
    const sH = Math.floor(s / TWO16);
    const sL = s % TWO16;
    const cross = aH * sL + aL * sH;
    const t = aL * sL + (cross % TWO16) * TWO16;
    let lo = t % TWO32;
    let hi = aH * sH + Math.floor(cross / TWO16) + Math.floor(t / TWO32);
    if (shift > 0) {
      if (shift <= 32) {
        lo += 2 ** (shift - 1);
        if (lo >= TWO32) {
          lo -= TWO32;
          hi += 1;
        }
      } else {
        hi += 2 ** (shift - 33);
      }
    }
    // Past 2^53 the sum may round, but only far above the int8 range: the clamp below is still exact.
    q = shift >= 32 ? Math.floor(hi / 2 ** (shift - 32)) : hi * 2 ** (32 - shift) + Math.floor(lo / 2 ** shift);
  }
  if (q === 0) return 0;
  if (neg) return q > 128 ? -128 : -q;
  return q > 127 ? 127 : q;
}

export class ReluRequant extends Module {
  /** Cycles from a beat taken at s to its result at m. */
  static readonly latency = 1;
  readonly s: StreamIn<Beat | null>;
  readonly m: StreamOut<Beat | null>;
  readonly lanes: number;
  readonly scale: number;
  readonly shift: number;
  readonly relu: boolean;
  beats = 0;
  ops = 0;
  inputStallCycles = 0;
  outputStallCycles = 0;
  cycles = 0;

  // Bound stream signals, fetched at elaboration: the edge process runs every cycle.
  private up!: StreamSignals<Beat | null>;
  private down!: StreamSignals<Beat | null>;

  constructor(parent: Module, name: string, options: ReluRequantOptions) {
    super(parent, name);
    this.lanes = options.lanes;
    const inWidth = requireLanes(this.path, this.lanes, options.inBits ?? 32, 'in');
    const { scale, shift } = options;
    if (!Number.isInteger(scale) || scale < -(2 ** 31) || scale > 2 ** 31 - 1) {
      throw badParameter(this.path, `scale must be an int32 integer, got ${scale}`);
    }
    this.scale = scale;
    this.shift = requireInt(this.path, 'shift', shift, 0, 63);
    this.relu = options.relu ?? false;
    const clk = this.input('clk', 1).bind(options.clk);
    this.s = new StreamIn<Beat | null>(this, 's', inWidth);
    this.m = new StreamOut<Beat | null>(this, 'm', this.lanes * 8);
    this.comb([this.m.valid, this.m.ready], () => this.up.ready.set(this.down.valid.value === 0 || this.down.ready.value === 1 ? 1 : 0));
    this.onRising(clk, this.edge);
  }

  override endOfElaboration(): void {
    this.up = this.s.signals();
    this.down = this.m.signals();
  }

  private edge(): void {
    this.cycles++;
    const sv = this.up.valid.value;
    const sFire = sv & this.up.ready.value;
    const mv = this.down.valid.value;
    const mr = this.down.ready.value;
    if (sv && !sFire) this.inputStallCycles++;
    if (mv && !mr) this.outputStallCycles++;
    if (sFire) {
      const b = this.up.data.value!;
      this.beats++;
      this.ops += this.lanes;
      this.progress();
      this.down.valid.set(1);
      this.down.data.set({ lanes: b.lanes === null ? null : this.requant(b.lanes), tag: b.tag, last: b.last });
    } else if (mv && mr) {
      this.down.valid.set(0);
      this.down.data.set(null);
    }
  }

  private requant(acc: Int8Array | Int32Array): Int8Array {
    const n = this.lanes;
    const out = new Int8Array(n);
    const { scale, shift, relu } = this;
    for (let i = 0; i < n; i++) {
      const v = requantLane(acc[i]!, scale, shift);
      out[i] = relu && v < 0 ? 0 : v;
    }
    return out;
  }
}
