import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HDL_DEFAULTS, type HdlParams } from '../../hw/hdlref/designs.ts';
import { makeRng } from '../stimulus/random.ts';
import { main } from '../cli/main.ts';
import { runHdlBench, type HdlDesign } from './hdl-bench.ts';
import { compileIcarus, runIcarus } from './icarus.ts';

/**
 * Cross-check against a real Verilog simulator: the same designs built from skipsim modules must print
 * exactly what Icarus Verilog prints for ../shared/reference/hdl (csum, rx, tx, max_occ).
 */

// Values printed by Icarus Verilog 11 (../shared/reference/hdl/README.md and SEMANTICS.md section 6).
const PUBLISHED: [HdlDesign, Partial<HdlParams>, number, string, number, number, number][] = [
  ['pipe', { N: 2, DEPTH: 4 }, 16, '61c82872', 5, 11, 3],
  ['pipe', { N: 8 }, 1_000, '187caf87', 699, 707, 12],
  ['pipe', { N: 8 }, 100_000, '77cd9315', 74859, 74995, 158],
  ['pipe', { N: 64, DEPTH: 16, KIND: 1 }, 100_000, 'ecdd7baa', 73979, 74049, 16],
  ['pipe', { N: 64, KIND: 1 }, 10_000, 'bfd54a50', 7394, 7499, 63],
  ['pipe', { N: 512 }, 20_000, '9c5ccb5a', 14543, 14994, 1],
  ['resid', { L: 200, D: 512 }, 100_000, '29741f75', 74615, 74846, 261],
  ['resid', { L: 16, D: 4, KIND: 1 }, 100_000, '7f6e087d', 23218, 23222, 4],
];

describe('hdl-bench reproduces Icarus Verilog', () => {
  it.each(PUBLISHED)('%s %o for %d cycles', async (design, params, cycles, csum, rx, tx, maxOcc) => {
    const r = await runHdlBench({ design, params, cycles });
    expect({ csum: r.csum, rx: r.rx, tx: r.tx, maxOcc: r.maxOcc }).toEqual({ csum, rx, tx, maxOcc });
  });

  it('matches a freshly run Icarus on random parameter sets', async () => {
    const iverilog = spawnSync('sh', ['-c', 'command -v iverilog']).status === 0;
    expect(iverilog, 'iverilog is not installed: apt-get install -y iverilog (CI installs it)').toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-iverilog-'));
    const rng = makeRng('hdl-cross-check');
    for (let i = 0; i < 6; i++) {
      const design: HdlDesign = i % 2 ? 'resid' : 'pipe';
      const p: HdlParams = {
        ...HDL_DEFAULTS,
        N: rng.int(0, 12),
        DEPTH: rng.int(1, 40),
        KIND: rng.bool() ? 1 : 2,
        L: rng.int(0, 30),
        D: rng.int(1, 40),
        P_SRC: rng.int(1, 16),
        P_SNK: rng.int(1, 16),
      };
      const cycles = rng.int(100, 3000);
      const want = icarus(dir, design, p, cycles);
      const got = await runHdlBench({ design, params: p, cycles });
      expect({ csum: got.csum, rx: got.rx, tx: got.tx, maxOcc: got.maxOcc }, `${design} ${JSON.stringify(p)} ${cycles}`).toEqual(
        want,
      );
    }
    fs.rmSync(dir, { recursive: true });
  }, 120_000);
});

function icarus(dir: string, design: HdlDesign, p: HdlParams, cycles: number) {
  const { csum, rx, tx, maxOcc } = runIcarus(compileIcarus(path.join(dir, 'tb.vvp'), design, p), cycles);
  return { csum, rx, tx, maxOcc };
}

describe('hdl-bench command', () => {
  function capture() {
    const lines = { out: [] as string[], err: [] as string[] };
    return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l), interactive: false } };
  }

  it('prints the documented JSON fields', async () => {
    const { lines, io } = capture();
    const code = await main(['hdl-bench', '--design', 'resid', '--L', '200', '--D', '512', '--cycles', '1000', '--json'], io);
    expect(code).toBe(0);
    const r = JSON.parse(lines.out[0]!);
    expect(Object.keys(r).sort()).toEqual(['csum', 'cycles', 'cyclesPerSecond', 'design', 'maxOcc', 'rx', 'tx']);
    // SEMANTICS.md section 6: resid L=200 D=512, 1000 cycles.
    expect(r).toMatchObject({ design: 'resid', cycles: 1000, csum: '735c3d89', rx: 567, tx: 707, maxOcc: 153 });
  });

  it('rejects a bad option naming it', async () => {
    const { lines, io } = capture();
    const code = await main(['hdl-bench', '--KIND', '3'], io);
    expect(code).toBe(2);
    expect(lines.err.join('\n')).toMatch(/--KIND.*expected an integer in 1\.\.2, got '3'/);
  });

  it('writes a VCD and a .gtkw view with --vcd', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-hdl-'));
    const vcd = path.join(dir, 'pipe.vcd');
    const { io } = capture();
    expect(await main(['hdl-bench', '--N', '4', '--cycles', '50', '--vcd', vcd], io)).toBe(0);
    const text = fs.readFileSync(vcd, 'utf8');
    expect(text).toContain('$scope module pipe_top $end');
    expect(text).toContain('$var integer 32');
    expect(fs.readFileSync(path.join(dir, 'pipe.gtkw'), 'utf8')).toContain('[dumpfile] "pipe.vcd"');
    fs.rmSync(dir, { recursive: true });
  });
});
