import type { Command } from 'commander';
import { HDL_DEFAULTS } from '../../../hw/hdlref/designs.ts';
import { WaveFiles } from '../../../waves/wave-files.ts';
import { runHdlBench, type HdlDesign } from '../../hdl/hdl-bench.ts';
import { integer, oneOf } from '../options.ts';
import type { CliIo } from '../io.ts';

/** `skipsim hdl-bench`: the reference Verilog designs built from skipsim modules, for cross-checks with Icarus. */
export function registerHdlBench(program: Command, io: CliIo): void {
  program
    .command('hdl-bench')
    .description('run the reference Verilog design (pipe or resid) and print what its Icarus testbench prints')
    .option('--design <name>', 'pipe | resid', oneOf(['pipe', 'resid'] as const), 'pipe')
    .option('--N <n>', 'pipe: register stages', integer(0), HDL_DEFAULTS.N)
    .option('--DEPTH <n>', 'pipe: FIFO depth', integer(1), HDL_DEFAULTS.DEPTH)
    .option('--KIND <k>', 'stage kind: 1 (register) or 2 (skid buffer)', integer(1, 2), HDL_DEFAULTS.KIND)
    .option('--L <n>', 'resid: main-path stages', integer(0), HDL_DEFAULTS.L)
    .option('--D <n>', 'resid: skip FIFO depth', integer(1), HDL_DEFAULTS.D)
    .option('--P_SRC <p>', 'source valid probability x16', integer(0, 16), HDL_DEFAULTS.P_SRC)
    .option('--P_SNK <p>', 'sink ready probability x16', integer(0, 16), HDL_DEFAULTS.P_SNK)
    .option('--cycles <c>', 'rising edges after reset', integer(0), 1000)
    .option('--vcd <file>', 'dump the run to a VCD (and a .gtkw beside it)')
    .option('--json', 'print the result as JSON')
    .action(async (o) => {
      const trace = o.vcd ? new WaveFiles({ vcd: o.vcd }) : undefined;
      const r = await runHdlBench({
        design: o.design as HdlDesign,
        params: { N: o.N, DEPTH: o.DEPTH, KIND: o.KIND, L: o.L, D: o.D, P_SRC: o.P_SRC, P_SNK: o.P_SNK },
        cycles: o.cycles,
        trace,
      });
      if (o.json) {
        const { design, cycles, csum, rx, tx, maxOcc, cyclesPerSecond } = r;
        io.out(JSON.stringify({ design, cycles, csum, rx, tx, maxOcc, cyclesPerSecond }));
      } else {
        const p = r.params;
        const shape = r.design === 'pipe' ? `N=${p.N} DEPTH=${p.DEPTH}` : `L=${p.L} D=${p.D}`;
        io.out(
          `RESULT design=${r.design} ${shape} KIND=${p.KIND} cycles=${r.cycles} csum=${r.csum} rx=${r.rx} tx=${r.tx} max_occ=${r.maxOcc}`,
        );
        io.err(`${r.cyclesPerSecond.toLocaleString('en-US')} cycles/s`);
      }
    });
}
