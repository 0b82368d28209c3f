import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { WaveFiles } from '../../../waves/wave-files.ts';
import { runHdlBench } from '../../hdl/hdl-bench.ts';
import type { CliIo } from '../io.ts';

/**
 * `npm start` / `skipsim start`: the main job. For now it runs the reference residual-synchronisation
 * design (lock-step fork, 200-stage main path, 512-deep skip FIFO, adding join) and writes its VCD, .gtkw
 * and a JSON report into the output folder.
 */
export function registerStart(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run the default residual simulation and write its VCD, .gtkw view and report')
    .option('--out <dir>', 'output folder', 'out/start')
    .action(async (o: { out: string }) => {
      const dir = path.resolve(o.out);
      fs.mkdirSync(dir, { recursive: true });
      const vcd = path.join(dir, 'resid.vcd');
      const result = await runHdlBench({ design: 'resid', cycles: 5_000, trace: new WaveFiles({ vcd }) });
      const report = path.join(dir, 'report.json');
      fs.writeFileSync(report, `${JSON.stringify(result, null, 2)}\n`);
      io.out(`skip FIFO high-water mark: ${result.maxOcc} words (depth ${result.params.D}), ${result.rx} sums delivered (checksum ${result.csum})`);
      io.out(`wrote ${vcd}, ${vcd.replace(/\.vcd$/, '.gtkw')} and ${report}`);
      io.out(`open the waves with: gtkwave ${vcd.replace(/\.vcd$/, '.gtkw')}`);
      io.out(`output folder: ${dir}`);
    });
}
