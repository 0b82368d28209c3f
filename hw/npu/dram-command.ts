// The DRAM commands the controller issues: their codes on the traced `cmd` signal and the command log
// entry that dram-checker.ts verifies.

/** DRAM commands, as traced on the `cmd` signal. */
export const DramCmd = { NOP: 0, ACT: 1, PRE: 2, RD: 3, WR: 4, REF: 5 } as const;
export type DramCmdCode = (typeof DramCmd)[keyof typeof DramCmd];
export const DRAM_CMD_NAMES = ['NOP', 'ACT', 'PRE', 'RD', 'WR', 'REF'] as const;

/** One issued command, for the independent checker and for debugging. `bank` is -1 for REF. */
export interface DramCommand {
  cycle: number;
  cmd: DramCmdCode;
  bank: number;
  row: number;
}
