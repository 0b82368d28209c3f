// The NPU's parameters: one clock, a MAC array, an activation SRAM (the parameter under study), a
// weight buffer of two slots, a DRAM. Defaults are a small edge NPU: 32x32 int8 MACs at 1 GHz
// (1.024 TMAC/s) on DDR4-3200 x64 (25.6 GB/s): ridge 40 MAC/B, as in the reference worked example.
import type { ArrayConfig } from '../mac-array/layer.ts';
import { DRAM_PARAMS, type DramName } from './dram-params.ts';
import type { SramPortKind } from './sram.ts';

export interface NpuConfig {
  /** NPU clock period in ps (1000 = 1 GHz). The DRAM runs on its own tCK. */
  readonly clockPeriodPs: number;
  readonly array: ArrayConfig;
  /** Activation SRAM capacity (the unified buffer: tensors, staging tiles, skip tensors). */
  readonly sramBytes: number;
  readonly sramWordBytes: number;
  readonly sramBanks: number;
  readonly sramPorts: SramPortKind;
  /** Weight buffer: two slots of this many bytes (double buffering). */
  readonly weightSlotBytes: number;
  readonly dram: DramName;
  /** DRAM bursts in flight per DMA channel. */
  readonly dmaMaxOutstanding: number;
  /** NPU cycles per window of the traced DRAM bandwidth and utilisation signals. */
  readonly windowCycles: number;
}

export const DEFAULT_NPU_CONFIG: NpuConfig = Object.freeze({
  clockPeriodPs: 1000,
  array: Object.freeze({ rows: 32, cols: 32, dataflow: 'ws' as const }),
  sramBytes: 1024 * 1024,
  sramWordBytes: 16,
  sramBanks: 4,
  sramPorts: '1R1W' as const,
  weightSlotBytes: 64 * 1024,
  dram: 'ddr4-3200' as const,
  dmaMaxOutstanding: 16,
  windowCycles: 500,
});

/** Alignment of every SRAM buffer and DRAM tensor: one DRAM burst (64 B for both parameter sets). */
export const NPU_ALIGN = 64;

function int(field: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new Error(`npu config ${field}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
}

/** A full config from overrides, checked field by field (errors name the field). */
export function npuConfig(overrides: Partial<NpuConfig> = {}): NpuConfig {
  const c: NpuConfig = { ...DEFAULT_NPU_CONFIG, ...overrides };
  int('clockPeriodPs', c.clockPeriodPs, 2);
  int('array.rows', c.array.rows, 1);
  int('array.cols', c.array.cols, 1);
  if (c.array.dataflow !== 'ws' && c.array.dataflow !== 'os') {
    throw new Error(`npu config array.dataflow: expected 'ws' or 'os', got ${JSON.stringify(c.array.dataflow)}`);
  }
  int('sramWordBytes', c.sramWordBytes, 1);
  int('sramBanks', c.sramBanks, 1);
  int('sramBytes', c.sramBytes, 1);
  const unit = Math.max(NPU_ALIGN, c.sramWordBytes * c.sramBanks);
  if (c.sramBytes % unit !== 0) throw new Error(`npu config sramBytes: expected a multiple of ${unit}, got ${c.sramBytes}`);
  if (NPU_ALIGN % c.sramWordBytes !== 0) throw new Error(`npu config sramWordBytes: expected a divisor of ${NPU_ALIGN}, got ${c.sramWordBytes}`);
  if (c.sramPorts !== '1RW' && c.sramPorts !== '1R1W') throw new Error(`npu config sramPorts: expected '1RW' or '1R1W', got ${JSON.stringify(c.sramPorts)}`);
  int('weightSlotBytes', c.weightSlotBytes, NPU_ALIGN);
  if (c.weightSlotBytes % NPU_ALIGN !== 0) throw new Error(`npu config weightSlotBytes: expected a multiple of ${NPU_ALIGN}, got ${c.weightSlotBytes}`);
  if (!(c.dram in DRAM_PARAMS)) throw new Error(`npu config dram: expected one of ${Object.keys(DRAM_PARAMS).join(', ')}, got ${JSON.stringify(c.dram)}`);
  int('dmaMaxOutstanding', c.dmaMaxOutstanding, 1);
  int('windowCycles', c.windowCycles, 1);
  return c;
}

export const alignUp = (n: number, a = NPU_ALIGN): number => Math.ceil(n / a) * a;
export const alignDown = (n: number, a = NPU_ALIGN): number => Math.floor(n / a) * a;
