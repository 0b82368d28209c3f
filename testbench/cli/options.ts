import { InvalidArgumentError } from 'commander';

/** Option parsers for commander that reject bad values with a message naming what was expected. */

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      throw new InvalidArgumentError(`expected an integer ${range}, got '${value}'.`);
    }
    return n;
  };
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'.`);
    }
    return value as T;
  };
}

/** Parse `HxWxC`-style dimensions, e.g. `--ifmap 56x56x64`, into `count` positive integers. */
export function dims(count: number, names: string): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split('x');
    const nums = parts.map((p) => Number(p));
    if (parts.length !== count || nums.some((n, i) => !/^\d+$/.test(parts[i]!) || n < 1)) {
      throw new InvalidArgumentError(`expected ${names} as ${count} positive integers joined by 'x', got '${value}'.`);
    }
    return nums;
  };
}
