import { describe, expect, it } from 'vitest';
import { checkDramLog } from './dram-checker.ts';
import { DramCmd, type DramCommand } from './dram-controller.ts';
import { DRAM_PARAMS } from './dram-params.ts';

const p = DRAM_PARAMS['ddr4-3200'];
const { ACT, PRE, RD, WR, REF } = DramCmd;
const c = (cycle: number, cmd: DramCommand['cmd'], bank: number, row = 0): DramCommand => ({ cycle, cmd, bank, row });

describe('checkDramLog catches each kind of violation (so a clean controller log means something)', () => {
  it('accepts a legal sequence', () => {
    const log = [c(0, ACT, 0), c(4, ACT, 4), c(22, RD, 0), c(26, RD, 4), c(74, PRE, 0), c(96, ACT, 0, 1)];
    expect(checkDramLog(p, log).violations).toEqual([]);
  });

  const cases: [string, DramCommand[], RegExp][] = [
    ['tRCD', [c(0, ACT, 0), c(21, RD, 0)], /ACT b0@0 -> RD b0@21: 21 tCK < tRCD = 22/],
    ['tRRD_L (same group)', [c(0, ACT, 0), c(4, ACT, 1)], /tRRD_L = 8/],
    ['tRRD_S', [c(0, ACT, 0), c(3, ACT, 4)], /tRRD_S = 4/],
    ['tFAW', [c(0, ACT, 0), c(4, ACT, 4), c(8, ACT, 8), c(12, ACT, 12), c(16, ACT, 1)], /5 ACTs within 16 tCK < tFAW = 34/],
    ['tCCD_L', [c(0, ACT, 0), c(8, ACT, 1), c(30, RD, 0), c(34, RD, 1)], /tCCD_L = 8/],
    ['tRAS', [c(0, ACT, 0), c(51, PRE, 0)], /tRAS = 52/],
    ['tRP', [c(0, ACT, 0), c(52, PRE, 0), c(73, ACT, 0)], /tRP = 22/],
    ['tRTP', [c(0, ACT, 0), c(50, RD, 0), c(60, PRE, 0)], /tRTP = 12/],
    ['write recovery', [c(0, ACT, 0), c(22, WR, 0), c(60, PRE, 0)], /CWL\+BL\/2\+tWR = 44/],
    ['write-to-read', [c(0, ACT, 0), c(22, WR, 0), c(40, RD, 0)], /CWL\+BL\/2\+tWTR_L = 32/],
    ['read-to-write', [c(0, ACT, 0), c(22, RD, 0), c(30, WR, 0)], /tRTW \(CL\+BL\/2\+2-CWL\) = 12/],
    ['tRFC', [c(0, REF, -1), c(100, ACT, 0)], /tRFC = 560/],
    ['REF with an open bank', [c(0, ACT, 0), c(100, REF, -1)], /banks still open/],
    ['RD to a closed bank', [c(0, RD, 3)], /row 0 is not open/],
    ['ACT to an open bank', [c(0, ACT, 0), c(100, ACT, 0, 1)], /already has row 0 open/],
    ['two commands in one cycle', [c(0, ACT, 0), c(0, ACT, 4)], /one command per cycle/],
  ];
  for (const [what, log, re] of cases) {
    it(`flags ${what}`, () => {
      expect(checkDramLog(p, log).violations.join('\n')).toMatch(re);
    });
  }

  it('flags overlapping data bursts', () => {
    // Bypass the command rules: a RD at 30 and a WR at 36 put data on 52..56 and 52..56.
    const log = [c(0, ACT, 0), c(8, ACT, 4), c(30, RD, 0), c(36, WR, 4)];
    expect(checkDramLog(p, log).violations.join('\n')).toMatch(/data bus: burst of the command at 36 overlaps/);
  });
});
