// Physical address -> (row, bank, bank group, column) for one DRAM channel and rank.
// Pure arithmetic (no bit operators: DDR4 8 Gb x8 ranks are 8 GiB, beyond 32-bit integers).
import { burstBytes, type DramParams } from './dram-params.ts';

export type DramField = 'row' | 'bank' | 'bankgroup' | 'column';

/** Where one burst lives. `column` counts bursts within the row (0 .. columns/BL - 1). */
export interface DramCoord {
  row: number;
  bankGroup: number;
  /** Bank within its bank group. */
  bank: number;
  column: number;
}

/**
 * Default: `row:bank:column:bankgroup` (MSB first; the burst offset is always the lowest bits).
 * Consecutive bursts rotate over the bank groups, so a sequential stream issues column commands every
 * tCCD_S (= BL/2 on DDR4) instead of tCCD_L; a row of every bank group is used up before the bank changes,
 * and the row changes last. On LPDDR4 (one bank group) the bankgroup field has 0 bits.
 */
export const DEFAULT_MAPPING = 'row:bank:column:bankgroup';

const ALIASES: Record<string, DramField> = {
  row: 'row',
  ro: 'row',
  bank: 'bank',
  ba: 'bank',
  bankgroup: 'bankgroup',
  bg: 'bankgroup',
  column: 'column',
  co: 'column',
  col: 'column',
};

function log2Exact(n: number, what: string): number {
  const k = Math.log2(n);
  if (!Number.isInteger(k)) throw new Error(`${what}: expected a power of two, got ${n}`);
  return k;
}

export class DramAddressMap {
  /** Fields from the most to the least significant. */
  readonly order: readonly DramField[];
  readonly burstBytes: number;
  /** Number of values of each field. */
  readonly counts: Readonly<Record<DramField, number>>;
  /** Bytes between consecutive values of each field. */
  readonly strides: Readonly<Record<DramField, number>>;
  /** Bytes addressable in the channel: rows x banks x row size. */
  readonly capacityBytes: number;

  constructor(
    readonly params: DramParams,
    mapping: string = DEFAULT_MAPPING,
  ) {
    const names = mapping
      .split(':')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0);
    const order: DramField[] = [];
    for (const n of names) {
      const f = ALIASES[n];
      if (!f) {
        throw new Error(
          `mapping: unknown field '${n}' in '${mapping}': expected row, bank, bankgroup, column (or ro, ba, bg, co) joined by ':'`,
        );
      }
      if (order.includes(f)) throw new Error(`mapping: field '${f}' appears twice in '${mapping}'`);
      order.push(f);
    }
    // A single bank group needs no bits; accept mappings that leave it out.
    if (!order.includes('bankgroup') && params.bankGroups === 1) order.push('bankgroup');
    for (const f of ['row', 'bank', 'bankgroup', 'column'] as const) {
      if (!order.includes(f)) {
        throw new Error(`mapping: field '${f}' is missing from '${mapping}': expected each of row, bank, bankgroup, column once`);
      }
    }
    this.order = order;
    this.burstBytes = burstBytes(params);
    if (params.columns % params.BL !== 0) {
      throw new Error(`columns: expected a multiple of BL (${params.BL}), got ${params.columns}`);
    }
    const counts: Record<DramField, number> = {
      row: params.rows,
      bank: params.banksPerGroup,
      bankgroup: params.bankGroups,
      column: params.columns / params.BL,
    };
    const source: Record<DramField, string> = {
      row: 'rows',
      bank: 'banksPerGroup',
      bankgroup: 'bankGroups',
      column: 'columns / BL',
    };
    for (const f of order) log2Exact(counts[f], source[f]);
    log2Exact(this.burstBytes, 'burst bytes');
    const strides = {} as Record<DramField, number>;
    let stride = this.burstBytes;
    for (let i = order.length - 1; i >= 0; i--) {
      const f = order[i]!;
      strides[f] = stride;
      stride *= counts[f];
    }
    this.counts = counts;
    this.strides = strides;
    this.capacityBytes = stride;
  }

  /** Decode a byte address (any byte of a burst) into `out`. */
  decode(addr: number, out: DramCoord = { row: 0, bankGroup: 0, bank: 0, column: 0 }): DramCoord {
    if (!Number.isSafeInteger(addr) || addr < 0 || addr >= this.capacityBytes) {
      throw new Error(`address: expected an integer in 0..${this.capacityBytes - 1} (channel capacity), got ${addr}`);
    }
    const s = this.strides;
    const n = this.counts;
    out.row = Math.floor(addr / s.row) % n.row;
    out.bank = Math.floor(addr / s.bank) % n.bank;
    out.bankGroup = Math.floor(addr / s.bankgroup) % n.bankgroup;
    out.column = Math.floor(addr / s.column) % n.column;
    return out;
  }

  /** The byte address of the first byte of a burst. */
  encode(c: DramCoord): number {
    const s = this.strides;
    return c.row * s.row + c.bank * s.bank + c.bankGroup * s.bankgroup + c.column * s.column;
  }

  /** Flat bank index used by the controller: bankGroup x banksPerGroup + bank. */
  flatBank(c: DramCoord): number {
    return c.bankGroup * this.params.banksPerGroup + c.bank;
  }

  /** The mapping as a string, MSB first, e.g. `row:bank:column:bankgroup`. */
  toString(): string {
    return this.order.join(':');
  }
}
