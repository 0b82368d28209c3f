/**
 * What bench/instructions.ts runs under Valgrind, bundled into one file: `node ENTRY design N cycles`.
 * One file, no loader: module loading through tsx's esbuild service would make V8's compilation order,
 * and with it the instruction counts, vary from run to run.
 */
import { HDL_DEFAULTS } from '../hw/hdlref/designs.ts';
import { runHdlBench, type HdlDesign } from '../testbench/hdl/hdl-bench.ts';

const [design, n, cycles] = process.argv.slice(2);
await runHdlBench({ design: design as HdlDesign, params: { ...HDL_DEFAULTS, N: Number(n) }, cycles: Number(cycles) });
