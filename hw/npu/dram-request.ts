// One client transaction of the DRAM controller: a burst-sized read or write, decoded to its bank and row,
// whose timing fields the controller fills in as it is queued and served.
import type { DramCoord } from './dram-address.ts';

export type DramOp = 'read' | 'write';
/** How a request found its bank: row open (hit), bank closed (miss: ACT), other row open (conflict: PRE + ACT). */
export type RowOutcome = 'hit' | 'miss' | 'conflict';

/** One burst-sized transaction. Clients poll `controller.isDone(req)`; timing fields are filled by the controller. */
export class DramRequest implements DramCoord {
  row = 0;
  bankGroup = 0;
  bank = 0;
  column = 0;
  /** Flat bank index bankGroup x banksPerGroup + bank. */
  flatBank = 0;
  outcome: RowOutcome | null = null;
  /** DRAM cycle at which the controller registered it (left the inbox), -1 before. */
  queuedCycle = -1;
  /** DRAM cycle of the RD/WR command, -1 until issued. */
  issueCycle = -1;
  /** Time step at which the last data beat has crossed the bus (Infinity until the RD/WR issues). */
  doneAt = Infinity;

  constructor(
    readonly id: number,
    readonly op: DramOp,
    readonly addr: number,
    /** Time step of submit(); the controller sees the request at its first rising edge strictly later. */
    readonly arrivalTime: number,
    /** Anything the client wants back (e.g. a DMA descriptor). */
    readonly tag: unknown,
  ) {}
}
