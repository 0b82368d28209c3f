/**
 * MacArray: rows x cols int8 MACs with 32-bit (wrapping) accumulators, weight-stationary ('ws') or
 * output-stationary ('os'). Full description, cycle formula and per-edge diagram: docs/components-mac-array.md.
 *
 * Layers: `{kind: 'conv', h, w, c, kh, kw, filters, stride, pad}` or `{kind: 'matmul', m, k, n}`, run as
 * the GEMM M x K x N (conv by im2col: M = output pixels, K = kh*kw*c, N = filters).
 *
 * Three ways to get a layer's cost, equal on cycles, phases, MACs, folds and SRAM counts (tested):
 *   macArrayCycles({rows, cols, dataflow}, layer)          closed form, no simulation (whole networks)
 *   new MacArray(parent, name, {clk, rows, cols, dataflow, mode: 'timing'}).runLayer(layer)
 *                                                          clocked controller, no PE values (big layers)
 *   ... mode: 'data' ... .runLayer(layer, {a, b})         real PE registers; result.output is the int32
 *                                                          M x N result (= NHWC conv output)
 * `simulateLayer(options, layer, operands?)` does the second or third on a fresh simulator.
 * Inside a larger design use `start(layer, ops?)`, watch `finished` (or the `busy` signal), then `result()`.
 * Every result is a MacArrayReport: {cycles, macs, utilisation, folds, foldGrid, phases, sramReads,
 * sramWrites, sramReadBytes, sramWriteBytes, gemm, rows, cols, dataflow}.
 */
export { foldPhases, foldsOf, PHASES, type Fold, type Phase, type PhaseCycles } from './folds.ts';
export { macArrayCycles } from './formula.ts';
export { gemmOf, layerMacs, type ArrayConfig, type ConvLayer, type Dataflow, type Gemm, type MacLayer, type MacOperands, type MatmulLayer } from './layer.ts';
export { MacArray, type MacArrayMode, type MacArrayOptions, type MacArrayResult } from './mac-array.ts';
export { BYTES_PER_ELEMENT, type MacArrayReport, type SramReads, type SramWrites } from './report.ts';
export { simulateLayer, type SimulateOptions } from './run.ts';
