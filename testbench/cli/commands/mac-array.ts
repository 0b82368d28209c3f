import type { Command } from 'commander';
import { macArrayCycles } from '../../../hw/mac-array/formula.ts';
import type { ConvLayer, Dataflow } from '../../../hw/mac-array/layer.ts';
import { BYTES_PER_ELEMENT as B, type MacArrayReport } from '../../../hw/mac-array/report.ts';
import { simulateLayer } from '../../../hw/mac-array/run.ts';
import { conv2d, randomWeights } from '../../ref/conv2d.ts';
import { randomTensor } from '../../ref/tensor.ts';
import { makeRng } from '../../stimulus/random.ts';
import type { CliIo } from '../io.ts';
import { dims, integer, oneOf } from '../options.ts';

type Mode = 'timing' | 'data' | 'analytic';

/** data mode moves every PE register through the kernel: keep it to layers that finish in seconds. */
const DATA_MODE_PE_CYCLES = 200_000_000;

/** `skipsim mac-array`: one conv layer on a rows x cols MAC array; fields documented in docs/components-mac-array.md. */
export function registerMacArray(program: Command, io: CliIo): void {
  program
    .command('mac-array')
    .description('simulate one conv layer on an int8 MAC array: cycles, MACs, utilisation, folds, SRAM traffic')
    .requiredOption('--ifmap <HxWxC>', 'input feature map: height x width x channels', dims(3, 'HxWxC'))
    .requiredOption('--filter <RxSxK>', 'kernel height x kernel width x number of filters', dims(3, 'RxSxK'))
    .option('--rows <n>', 'PE rows', integer(1, 1024), 16)
    .option('--cols <n>', 'PE columns', integer(1, 1024), 16)
    .option('--dataflow <df>', 'ws (weight-stationary) | os (output-stationary)', oneOf(['ws', 'os'] as const), 'ws')
    .option('--stride <s>', 'stride on both axes', integer(1), 1)
    .option('--padding <p>', 'zero padding on each side', integer(0), 0)
    .option('--mode <m>', 'timing (clocked controller) | data (PE registers, random operands checked against conv2d) | analytic (formula)', oneOf(['timing', 'data', 'analytic'] as const), 'timing')
    .option('--seed <s>', 'data mode: seed of the random operands', '1')
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      const [h, w, c] = o.ifmap as number[];
      const [kh, kw, filters] = o.filter as number[];
      const pad = o.padding as number;
      if (kh! > h! + 2 * pad || kw! > w! + 2 * pad) {
        cmd.error(`error: option '--filter': a ${kh}x${kw} kernel does not fit the ${h}x${w} ifmap with --padding ${pad} (expected R <= H + 2P and S <= W + 2P)`, { exitCode: 2 });
      }
      const layer: ConvLayer = { kind: 'conv', h: h!, w: w!, c: c!, kh: kh!, kw: kw!, filters: filters!, stride: o.stride, pad };
      const cfg = { rows: o.rows as number, cols: o.cols as number, dataflow: o.dataflow as Dataflow };
      const mode = o.mode as Mode;
      const analytic = macArrayCycles(cfg, layer);
      let report: MacArrayReport = analytic;
      let verified: boolean | undefined;
      if (mode === 'timing') {
        const { seconds, ...r } = await simulateLayer({ ...cfg, mode }, layer);
        report = r;
        io.err(`simulated ${r.cycles.toLocaleString('en-US')} cycles in ${seconds.toFixed(2)} s`);
      } else if (mode === 'data') {
        const peCycles = analytic.cycles * cfg.rows * cfg.cols;
        if (peCycles > DATA_MODE_PE_CYCLES) {
          cmd.error(`error: option '--mode': data mode would simulate ${peCycles.toExponential(2)} PE-cycles (limit ${DATA_MODE_PE_CYCLES.toExponential(0)}); use --mode timing for a layer this large`, { exitCode: 2 });
        }
        const rng = makeRng(o.seed as string);
        const x = randomTensor(rng, layer.h, layer.w, layer.c);
        const wts = randomWeights(rng, kh!, kw!, c!, filters!);
        const { seconds, output, ...r } = await simulateLayer({ ...cfg, mode }, layer, { a: x.data, b: wts.data });
        const expected = conv2d(x, { weights: wts, stride: layer.stride, pad }).data;
        const bad = expected.findIndex((v, i) => output![i] !== v);
        verified = bad < 0;
        if (!verified) throw new Error(`mac-array: output element ${bad} is ${output![bad]}, conv2d gives ${expected[bad]} (seed ${o.seed})`);
        report = r;
        io.err(`simulated ${r.cycles.toLocaleString('en-US')} cycles with PE registers in ${seconds.toFixed(2)} s; output matches conv2d`);
      }
      const layerOut = { ifmap: { h, w, c }, filter: { r: kh, s: kw, k: filters }, stride: layer.stride, padding: pad };
      if (o.json) io.out(JSON.stringify({ mode, layer: layerOut, ...report, ...(verified === undefined ? {} : { verified }) }));
      else table(io, mode, layer, report);
    });
}

const n = (v: number): string => v.toLocaleString('en-US');

function table(io: CliIo, mode: Mode, l: ConvLayer, r: MacArrayReport): void {
  const p = r.phases;
  io.out(`mac-array ${r.rows}x${r.cols} ${r.dataflow}, ${mode}: conv ${l.h}x${l.w}x${l.c} * ${l.kh}x${l.kw}x${l.filters} stride ${l.stride} padding ${l.pad}`);
  io.out(`GEMM M=${r.gemm.m} K=${r.gemm.k} N=${r.gemm.n}`);
  io.out('');
  const rows: [string, string][] = [
    ['compute cycles', n(r.cycles)],
    ['  load / fill / stream / drain', `${n(p.load)} / ${n(p.fill)} / ${n(p.stream)} / ${n(p.drain)}`],
    ['MACs', n(r.macs)],
    ['utilisation', `${(100 * r.utilisation).toFixed(2)} %`],
    ['folds', `${n(r.folds)} (m ${r.foldGrid.m} x k ${r.foldGrid.k} x n ${r.foldGrid.n})`],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.out(`${k.padEnd(w0)}  ${v}`);
  io.out('');
  const sram: string[][] = [
    ['SRAM operand', 'reads', 'writes', 'bytes read', 'bytes written'],
    ['ifmap (int8)', n(r.sramReads.ifmap), '0', n(B.ifmap * r.sramReads.ifmap), '0'],
    ['filter (int8)', n(r.sramReads.filter), '0', n(B.filter * r.sramReads.filter), '0'],
    ['psum (int32)', n(r.sramReads.psum), n(r.sramWrites.psum), n(B.psum * r.sramReads.psum), n(B.psum * r.sramWrites.psum)],
    ['ofmap (int32)', '0', n(r.sramWrites.ofmap), '0', n(B.ofmap * r.sramWrites.ofmap)],
    ['total', '', '', n(r.sramReadBytes), n(r.sramWriteBytes)],
  ];
  const widths = sram[0]!.map((_, i) => Math.max(...sram.map((row) => row[i]!.length)));
  for (const row of sram) io.out(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}
