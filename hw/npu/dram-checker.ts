// An independent JEDEC-style protocol checker for a DRAM command log. It does not share code or state
// layout with the controller: it states every timing rule as a minimum distance between a pair of
// commands and checks each new command against all earlier ones inside the longest rule's window.
import type { DramCommand } from './dram-controller.ts';
import { DramCmd, DRAM_CMD_NAMES } from './dram-controller.ts';
import { burstTCK, type DramParams } from './dram-params.ts';

type Rel = 'sameBank' | 'sameGroup' | 'otherGroup' | 'any';

interface Rule {
  from: number;
  to: number;
  rel: Rel;
  min: number;
  name: string;
}

/** Every pairwise minimum distance (in tCK) between an earlier command `from` and a later `to`. */
export function dramRules(p: DramParams): Rule[] {
  const { ACT, PRE, RD, WR, REF } = DramCmd;
  const bl2 = burstTCK(p);
  const r: Rule[] = [
    { from: ACT, to: ACT, rel: 'sameBank', min: p.tRC, name: 'tRC' },
    { from: ACT, to: ACT, rel: 'sameGroup', min: p.tRRD_L, name: 'tRRD_L' },
    { from: ACT, to: ACT, rel: 'otherGroup', min: p.tRRD_S, name: 'tRRD_S' },
    { from: ACT, to: RD, rel: 'sameBank', min: p.tRCD, name: 'tRCD' },
    { from: ACT, to: WR, rel: 'sameBank', min: p.tRCD, name: 'tRCD' },
    { from: ACT, to: PRE, rel: 'sameBank', min: p.tRAS, name: 'tRAS' },
    { from: PRE, to: ACT, rel: 'sameBank', min: p.tRP, name: 'tRP' },
    { from: RD, to: RD, rel: 'sameGroup', min: p.tCCD_L, name: 'tCCD_L' },
    { from: RD, to: RD, rel: 'otherGroup', min: p.tCCD_S, name: 'tCCD_S' },
    { from: WR, to: WR, rel: 'sameGroup', min: p.tCCD_L, name: 'tCCD_L' },
    { from: WR, to: WR, rel: 'otherGroup', min: p.tCCD_S, name: 'tCCD_S' },
    { from: RD, to: WR, rel: 'any', min: p.CL + bl2 + 2 - p.CWL, name: 'tRTW (CL+BL/2+2-CWL)' },
    { from: WR, to: RD, rel: 'sameGroup', min: p.CWL + bl2 + p.tWTR_L, name: 'CWL+BL/2+tWTR_L' },
    { from: WR, to: RD, rel: 'otherGroup', min: p.CWL + bl2 + p.tWTR_S, name: 'CWL+BL/2+tWTR_S' },
    { from: RD, to: PRE, rel: 'sameBank', min: p.tRTP, name: 'tRTP' },
    { from: WR, to: PRE, rel: 'sameBank', min: p.CWL + bl2 + p.tWR, name: 'CWL+BL/2+tWR' },
    { from: PRE, to: REF, rel: 'any', min: p.tRP, name: 'tRP before REF' },
    { from: ACT, to: REF, rel: 'any', min: p.tRC, name: 'tRC before REF' },
    { from: REF, to: ACT, rel: 'any', min: p.tRFC, name: 'tRFC' },
    { from: REF, to: REF, rel: 'any', min: p.tRFC, name: 'tRFC' },
  ];
  return r;
}

export interface DramCheckReport {
  violations: string[];
  commands: number;
  /** Cycles in which the data bus carried a burst, and the last cycle it was busy. */
  dataBusyCycles: number;
  lastDataCycle: number;
}

/**
 * Check `log` (commands in issue order). Also checks the bank state machine (ACT only to a closed bank,
 * RD/WR only to the open row, PRE only to an open bank, REF only with every bank closed), at most 4 ACTs
 * in any tFAW window, one command per cycle, and that no two data bursts overlap on the bus.
 */
export function checkDramLog(p: DramParams, log: readonly DramCommand[], maxViolations = 20): DramCheckReport {
  const rules = dramRules(p);
  const window = Math.max(...rules.map((r) => r.min));
  const groupOf = (b: number) => Math.floor(b / p.banksPerGroup);
  const v: string[] = [];
  const fail = (msg: string) => {
    if (v.length < maxViolations) v.push(msg);
  };
  const banks = p.bankGroups * p.banksPerGroup;
  const open = new Array<number>(banks).fill(-1);
  const acts: number[] = [];
  const bursts: [number, number, number][] = []; // start, end (exclusive), command cycle
  const bl2 = burstTCK(p);
  const name = (c: DramCommand) => `${DRAM_CMD_NAMES[c.cmd]}${c.bank >= 0 ? ` b${c.bank}` : ''}@${c.cycle}`;

  for (let i = 0; i < log.length; i++) {
    const c = log[i]!;
    if (i > 0 && c.cycle <= log[i - 1]!.cycle) fail(`${name(c)}: not after ${name(log[i - 1]!)} (one command per cycle)`);
    for (let j = i - 1; j >= 0; j--) {
      const a = log[j]!;
      const d = c.cycle - a.cycle;
      if (d >= window) break;
      for (const r of rules) {
        if (r.from !== a.cmd || r.to !== c.cmd || d >= r.min) continue;
        // sameGroup includes the same bank (RD->RD to one bank is a same-group pair).
        const rel =
          r.rel === 'any' ||
          (r.rel === 'sameBank' && a.bank === c.bank) ||
          (r.rel === 'sameGroup' && groupOf(a.bank) === groupOf(c.bank)) ||
          (r.rel === 'otherGroup' && groupOf(a.bank) !== groupOf(c.bank));
        if (rel) fail(`${name(a)} -> ${name(c)}: ${d} tCK < ${r.name} = ${r.min}`);
      }
    }
    switch (c.cmd) {
      case DramCmd.ACT:
        if (open[c.bank] !== -1) fail(`${name(c)}: bank already has row ${open[c.bank]} open`);
        open[c.bank] = c.row;
        acts.push(c.cycle);
        if (acts.length >= 5) {
          const span = c.cycle - acts[acts.length - 5]!;
          if (span < p.tFAW) fail(`${name(c)}: 5 ACTs within ${span} tCK < tFAW = ${p.tFAW}`);
        }
        break;
      case DramCmd.PRE:
        if (open[c.bank] === -1) fail(`${name(c)}: bank is already closed`);
        open[c.bank] = -1;
        break;
      case DramCmd.RD:
      case DramCmd.WR: {
        if (open[c.bank] !== c.row) fail(`${name(c)}: row ${c.row} is not open (open: ${open[c.bank]})`);
        const start = c.cycle + (c.cmd === DramCmd.RD ? p.CL : p.CWL);
        bursts.push([start, start + bl2, c.cycle]);
        break;
      }
      case DramCmd.REF:
        if (open.some((r) => r !== -1)) fail(`${name(c)}: banks still open`);
        break;
    }
  }
  bursts.sort((a, b) => a[0] - b[0]);
  let busy = 0;
  for (let i = 0; i < bursts.length; i++) {
    busy += bl2;
    if (i > 0 && bursts[i]![0] < bursts[i - 1]![1]) {
      fail(`data bus: burst of the command at ${bursts[i]![2]} overlaps the one of the command at ${bursts[i - 1]![2]}`);
    }
  }
  return {
    violations: v,
    commands: log.length,
    dataBusyCycles: busy,
    lastDataCycle: bursts.length ? bursts[bursts.length - 1]![1] : 0,
  };
}
