import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { SramTooSmallError } from '../../../hw/npu/memory-policy.ts';
import { DRAM_PARAMS, type DramName } from '../../../hw/npu/dram-params.ts';
import { renderSvg } from '../../report/plot.ts';
import { formatReport, formatSweep } from '../../npu/report.ts';
import { causeSpec, rooflinePoints, rooflineSpec, trafficSpec } from '../../npu/report-plots.ts';
import { DEFAULT_INPUT_SIZE, NETWORK_NAMES, buildNetwork, runScenario, type NetworkName, type NpuReport, type ScenarioOptions } from '../../npu/scenario.ts';
import { WaveFiles } from '../../../waves/wave-files.ts';
import type { CliIo } from '../io.ts';
import { dims, integer, oneOf } from '../options.ts';

/** A comma-separated list of SRAM sizes in KiB (`256,512,1024`). */
function kibList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const nums = parts.map((p) => Number(p));
  if (parts.length === 0 || nums.some((v, i) => !/^\d+$/.test(parts[i]!) || v < 1 || v > 4 * 1024 * 1024)) {
    throw new InvalidArgumentError(`expected SRAM sizes in KiB separated by commas, e.g. 256,512,1024, got '${value}'.`);
  }
  return [...new Set(nums)].sort((a, b) => a - b);
}

function networkList(value: string): NetworkName[] {
  const parts = value.split(',').map((s) => s.trim());
  const bad = parts.find((p) => !(NETWORK_NAMES as readonly string[]).includes(p));
  if (bad !== undefined) throw new InvalidArgumentError(`expected networks among ${NETWORK_NAMES.join(', ')} separated by commas, got '${bad}'.`);
  return parts as NetworkName[];
}

interface Progress {
  update(label: string, done: number, total: number): void;
  stop(): void;
}

function progress(io: CliIo, enabled: boolean): Progress {
  if (!enabled || !io.interactive) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: 'npu {label} [{bar}] {percentage}% | {value}/{total} tasks', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(label, done, total) {
      if (!started) bar.start(total, done, { label });
      started = true;
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * `skipsim npu`: a network layer by layer on the NPU (MAC array, activation SRAM, weight buffer, DMA,
 * DRAM, vector unit) at one SRAM size; fields documented in docs/npu-results.md.
 */
export function registerNpu(program: Command, io: CliIo): void {
  program
    .command('npu')
    .description('run a chain or residual network on the NPU model: cycles, DRAM bytes by cause, SRAM peak, skip spills, adder intensity, roofline')
    .option('--network <name>', NETWORK_NAMES.join(' | '), oneOf(NETWORK_NAMES), 'resnet18')
    .option('--sram-kib <n>', 'activation SRAM in KiB', integer(1, 4 * 1024 * 1024), 512)
    .option('--dram <name>', Object.keys(DRAM_PARAMS).join(' | '), oneOf(Object.keys(DRAM_PARAMS) as DramName[]), 'ddr4-3200')
    .option('--input-size <s>', `square input resolution (default ${Object.entries(DEFAULT_INPUT_SIZE).map(([k, v]) => `${k} ${v}`).join(', ')})`, integer(1, 4096))
    .option('--width-divisor <d>', 'divide every channel count (a faster, narrower network)', integer(1, 1024), 1)
    .option('--policy <p>', 'auto (keep tensors in SRAM when they fit, spill skips) | stream (every tensor through DRAM)', oneOf(['auto', 'stream'] as const), 'auto')
    .option('--array <RxC>', 'MAC array rows x columns', dims(2, 'RxC'), [32, 32])
    .option('--weight-buffer-kib <n>', 'weight buffer in KiB (two slots)', integer(2, 1024 * 1024), 128)
    .option('--window <cycles>', 'window of the traced DRAM bandwidth and utilisation signals', integer(1, 1e9), 500)
    .option('--sweep <kib,...>', 'also run at these SRAM sizes (KiB) and report DRAM traffic against SRAM size', kibList)
    .option('--versus <networks>', 'with --sweep: networks to sweep beside --network (e.g. vgg,plain18)', networkList)
    .option('--json', 'print the report as JSON (with --sweep: {report, sweep})')
    .option('--out <dir>', 'write npu-report.json and SVG plots (roofline; with --sweep, traffic vs SRAM) into this folder')
    .option('--vcd <file>', 'write the waves of the main run to this VCD (and a .gtkw view beside it)')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      const network = o.network as NetworkName;
      const bad = (option: string, message: string): never => cmd.error(`error: option '${option}': ${message}`, { exitCode: 2 });
      // shape problems are option errors: check them before simulating anything
      for (const net of [network, ...((o.versus as NetworkName[] | undefined) ?? [])]) {
        try {
          buildNetwork(net, o.inputSize as number | undefined, o.widthDivisor as number);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if (/widthDivisor/.test(msg)) bad('--width-divisor', msg);
          bad('--input-size', msg);
        }
      }
      if (o.versus && !o.sweep) bad('--versus', 'needs --sweep (the SRAM sizes to compare the networks at)');
      const weightKiB = o.weightBufferKib as number;
      if (weightKiB % 2 !== 0) bad('--weight-buffer-kib', `expected an even number of KiB (two slots), got ${weightKiB}`);
      const [rows, cols] = o.array as number[];
      const base = (net: NetworkName, sramKiB: number, policy = o.policy as 'auto' | 'stream'): ScenarioOptions => ({
        network: net,
        sramBytes: sramKiB * 1024,
        dram: o.dram as DramName,
        inputSize: o.inputSize as number | undefined,
        widthDivisor: o.widthDivisor as number,
        policy,
        npu: { array: { rows: rows!, cols: cols!, dataflow: 'ws' }, weightSlotBytes: (weightKiB / 2) * 1024, windowCycles: o.window as number },
      });
      const bar = progress(io, !o.json);
      const run = async (s: ScenarioOptions, trace?: WaveFiles): Promise<NpuReport> => {
        const label = `${s.network} ${s.sramBytes / 1024} KiB ${s.policy}`;
        try {
          return (await runScenario({ ...s, trace, onProgress: (d, t) => bar.update(label, d, t) })).report;
        } catch (e) {
          if (e instanceof SramTooSmallError) bad('--sram-kib', e.message);
          throw e;
        }
      };
      const dir = o.out ? path.resolve(o.out as string) : null;
      if (dir) fs.mkdirSync(dir, { recursive: true });
      const vcd = o.vcd ? path.resolve(o.vcd as string) : null;
      if (vcd) fs.mkdirSync(path.dirname(vcd), { recursive: true });
      const waves = vcd ? new WaveFiles({ vcd, scopes: ['npu.ctl', 'npu.sram', 'npu.wsram'] }) : undefined;

      let report: NpuReport;
      const sweep: NpuReport[] = [];
      let stream: NpuReport | null = null;
      try {
        report = await run(base(network, o.sramKib as number), waves);
        for (const net of [network, ...((o.versus as NetworkName[] | undefined) ?? [])]) {
          for (const kib of (o.sweep as number[] | undefined) ?? []) {
            sweep.push(net === network && kib === o.sramKib ? report : await run(base(net, kib)));
          }
        }
        // the roofline compares the run with every tensor through DRAM, where the adds sit on the DRAM roof
        if (dir && report.policy === 'auto') stream = await run(base(network, o.sramKib as number, 'stream'));
      } finally {
        bar.stop();
      }
      const wall = report.wallSeconds + sweep.filter((r) => r !== report).reduce((s, r) => s + r.wallSeconds, 0) + (stream?.wallSeconds ?? 0);

      if (dir) {
        const files: string[] = [];
        const write = (name: string, text: string) => {
          fs.writeFileSync(path.join(dir, name), text);
          files.push(path.join(dir, name));
        };
        write('npu-report.json', `${JSON.stringify(report, null, 2)}\n`);
        const points = [...rooflinePoints(report, `policy ${report.policy}`), ...(stream ? rooflinePoints(stream, 'policy stream (every tensor through DRAM)') : [])];
        write(`npu-roofline-${network}.svg`, await renderSvg(rooflineSpec(points, report, `${report.model} ${report.inputSize}x${report.inputSize}, SRAM ${report.sramBytes / 1024} KiB: per-layer roofline`)));
        if (sweep.length > 0) {
          write('npu-sweep.json', `${JSON.stringify(sweep.map(({ layers: _l, ...r }) => r), null, 2)}\n`);
          const names = [...new Set(sweep.map((r) => r.model))].join(' vs ');
          write('npu-traffic-vs-sram.svg', await renderSvg(trafficSpec(sweep, `DRAM traffic vs activation SRAM: ${names}`)));
          for (const net of new Set(sweep.map((r) => r.network))) {
            const rs = sweep.filter((r) => r.network === net);
            write(`npu-dram-by-cause-${net}.svg`, await renderSvg(causeSpec(rs, `${rs[0]!.model}: DRAM bytes by cause`)));
          }
        }
        for (const f of files) io.err(`wrote ${f}`);
      }
      if (o.json) {
        io.out(JSON.stringify(sweep.length > 0 ? { report, sweep: sweep.map(({ layers: _l, ...r }) => r) } : report, null, 2));
      } else {
        for (const line of formatReport(report)) io.out(line);
        if (sweep.length > 0) {
          io.out('');
          io.out('SRAM sweep:');
          for (const line of formatSweep(sweep)) io.out(line);
        }
        if (vcd) io.out(`waves: ${vcd}${waves?.gtkwPath ? ` (view: gtkwave ${waves.gtkwPath})` : ''}`);
      }
      io.err(`simulated in ${wall.toFixed(1)} s`);
    });
}
