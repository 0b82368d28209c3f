/**
 * The points of a sweep: every combination of block type, channels, folding and width, each validated as a
 * scenario before anything runs, and marked for simulation or for the formula alone (points whose runs
 * would be long). A point that the scenario rejects fails the whole sweep with the option that caused it.
 */
import { blockLayout } from '../scenarios/block-layout.ts';
import { ConfigError, parseScenarioConfig, type BlockKind, type ScenarioConfig } from '../scenarios/config.ts';
import { estimateCycles } from '../sizing/size-fifo.ts';
import { asOptionMessage, optionOf } from './option-of.ts';

export interface SweepSpec {
  blocks: BlockKind[];
  /** Input widths; the images are square (H = W). */
  widths: number[];
  channels: number[];
  simd: number[];
  pe: number[];
  bits: number;
  frames: number;
  /** Points whose one run is estimated above this many cycles are sized by the formula only. */
  maxSimCycles: number;
  /** Size every point by the formula only. */
  analyticOnly: boolean;
}

export type SizingMethod = 'simulation' | 'analytic';

export interface SweepPoint {
  config: ScenarioConfig;
  /** 'simd8/pe8': the lanes of every conv. */
  folding: string;
  method: SizingMethod;
  /** Cycles of one run (size-fifo's estimate), which decided `method`. */
  estimatedCycles: number;
  /** 'basic W=56 C=64 simd8/pe8', for progress and messages. */
  label: string;
}

/** A bad option value found while building the points; `option` is the flag to name. */
export class SweepOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'SweepOptionError';
  }
}

function point(block: BlockKind, width: number, channels: number, simd: number, pe: number, spec: SweepSpec): SweepPoint {
  const folding = `simd${simd}/pe${pe}`;
  const label = `${block} W=${width} C=${channels} ${folding}`;
  let config: ScenarioConfig;
  try {
    config = parseScenarioConfig({ block, height: width, width, channels, simd, pe, bits: spec.bits, frames: spec.frames, mode: 'timing', debug: false });
    blockLayout(config); // cross-field checks (lanes that do not divide the channels, too small an image)
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new SweepOptionError(optionOf(e.field, e.message), `${asOptionMessage(e.field, e.message)} (at the point ${label})`);
  }
  const estimatedCycles = estimateCycles(config);
  const method: SizingMethod = spec.analyticOnly || estimatedCycles > spec.maxSimCycles ? 'analytic' : 'simulation';
  return { config, folding, method, estimatedCycles, label };
}

/** Every point, grouped by block, channels and folding, widths ascending within a group. */
export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const points: SweepPoint[] = [];
  for (const block of spec.blocks)
    for (const c of spec.channels)
      for (const s of spec.simd)
        for (const p of spec.pe)
          for (const w of [...spec.widths].sort((a, b) => a - b)) points.push(point(block, w, c, s, p, spec));
  return points;
}
