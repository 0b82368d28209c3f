import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DramAddressMap } from './dram-address.ts';
import { DRAM_PARAMS } from './dram-params.ts';

const ddr4 = DRAM_PARAMS['ddr4-3200'];
const lp4 = DRAM_PARAMS['lpddr4-3200'];

describe('DramAddressMap', () => {
  it('default DDR4 mapping row:bank:column:bankgroup: strides and capacity', () => {
    const m = new DramAddressMap(ddr4);
    // offset 64 B | bank group 4 | column 1024/8 = 128 bursts | bank 4 | row 65536
    expect(m.strides).toEqual({ bankgroup: 64, column: 256, bank: 32_768, row: 131_072 });
    expect(m.capacityBytes).toBe(8 * 2 ** 30);
    expect(m.decode(64)).toEqual({ row: 0, bankGroup: 1, bank: 0, column: 0 });
    expect(m.decode(256 + 63)).toEqual({ row: 0, bankGroup: 0, bank: 0, column: 1 });
    expect(m.decode(3 * 131_072 + 2 * 32_768 + 5 * 256 + 3 * 64)).toEqual({ row: 3, bankGroup: 3, bank: 2, column: 5 });
  });

  it('LPDDR4 has one bank group (0 bits) and may leave it out of the mapping', () => {
    const m = new DramAddressMap(lp4, 'row:bank:column');
    expect(m.toString()).toBe('row:bank:column:bankgroup');
    expect(m.strides.column).toBe(64);
    expect(m.strides.bank).toBe(4096); // 64 bursts of 64 B: one 4 KB row
    expect(m.capacityBytes).toBe(32_768 * 8 * 4096);
  });

  it('accepts DRAMsim3-style abbreviations', () => {
    expect(new DramAddressMap(ddr4, 'ro:ba:bg:co').toString()).toBe('row:bank:bankgroup:column');
  });

  it('encode inverts decode for every burst address', () => {
    for (const [p, mapping] of [
      [ddr4, 'row:bank:column:bankgroup'],
      [ddr4, 'bank:row:bankgroup:column'],
      [lp4, 'row:column:bank'],
    ] as const) {
      const m = new DramAddressMap(p, mapping);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: m.capacityBytes / 64 - 1 }), (burst) => {
          const addr = burst * 64;
          expect(m.encode(m.decode(addr))).toBe(addr);
        }),
      );
    }
  });

  it('rejects bad mappings and addresses, naming the problem', () => {
    expect(() => new DramAddressMap(ddr4, 'row:bank:column')).toThrow(/field 'bankgroup' is missing/);
    expect(() => new DramAddressMap(ddr4, 'row:bank:col:bg:rank')).toThrow(/unknown field 'rank'/);
    expect(() => new DramAddressMap(ddr4, 'row:row:bank:col:bg')).toThrow(/'row' appears twice/);
    expect(() => new DramAddressMap({ ...ddr4, rows: 1000 })).toThrow(/rows: expected a power of two, got 1000/);
    const m = new DramAddressMap(ddr4);
    expect(() => m.decode(m.capacityBytes)).toThrow(/address: expected an integer in 0\.\./);
    expect(() => m.decode(-1)).toThrow(/address/);
  });
});
