import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { addScenarioOptions, progressBar, scenarioFromCli } from '../../scenarios/cli-options.ts';
import { ConfigError, configToJson, type ScenarioConfig } from '../../scenarios/config.ts';
import { formatSizingReport } from '../../sizing/format.ts';
import { sizeSkipFifo } from '../../sizing/size-fifo.ts';
import type { CliIo } from '../io.ts';
import { integer } from '../options.ts';

/**
 * `skipsim size-fifo`: size a residual block's skip FIFO (deadlock-free and full-throughput depths, the
 * unbounded high-water mark, the analytic formula, memory cost), from options or a JSON/YAML config.
 */
export function registerSizeFifo(program: Command, io: CliIo): void {
  const cmd = program
    .command('size-fifo')
    .description('size the skip FIFO of a residual block: deadlock-free and full-throughput depths, unbounded high-water mark, analytic formula, memory cost');
  addScenarioOptions(cmd)
    .option('--workers <n>', 'worker threads for the simulations (default: 2 for large blocks, 0 for small ones)', integer(0, 16))
    .option('--json', 'print the report as JSON ({ fifos: [...], ... })')
    .option('--out <dir>', 'also write size-fifo.json and scenario.json into this folder')
    .action(async (file: string | undefined, o: Record<string, unknown>, command: Command) => {
      let config: ScenarioConfig;
      try {
        // Sizing simulates timing mode; 2 frames (as FINN does) so that frames overlap in the pipeline.
        config = scenarioFromCli(file, o, { frames: 2, mode: 'timing' });
      } catch (e) {
        if (e instanceof ConfigError) command.error(`error: ${e.message}`, { exitCode: 2 });
        throw e;
      }
      const bar = progressBar(io, !o.json, 'size-fifo');
      let report;
      try {
        report = await sizeSkipFifo(config, {
          workers: o.workers as number | undefined,
          onProbe: ({ finished, phase }) => bar.update(finished, finished + 1, phase),
        });
      } finally {
        bar.stop();
      }
      if (o.out) {
        const dir = path.resolve(o.out as string);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'size-fifo.json'), `${JSON.stringify(report, null, 2)}\n`);
        fs.writeFileSync(path.join(dir, 'scenario.json'), `${JSON.stringify(configToJson(config), null, 2)}\n`);
        io.err(`wrote ${path.join(dir, 'size-fifo.json')} and ${path.join(dir, 'scenario.json')}`);
      }
      if (o.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of formatSizingReport(report)) io.out(line);
    });
}
