import { InvalidArgumentError } from 'commander';

/** Commander parsers for comma-separated option lists (`--width 8,14,28`); messages say what was expected. */

/** A comma-separated list of integers in [min, max], deduplicated and sorted ascending. */
export function intList(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split(',').map((p) => p.trim());
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    const nums = parts.map(Number);
    if (parts.some((p, i) => !/^\d+$/.test(p) || nums[i]! < min || nums[i]! > max)) {
      throw new InvalidArgumentError(`expected a comma-separated list of integers ${range}, got '${value}'.`);
    }
    return [...new Set(nums)].sort((a, b) => a - b);
  };
}

/** A comma-separated list of choices, deduplicated, in the order given. */
export function choiceList<T extends string>(choices: readonly T[]): (value: string) => T[] {
  return (value: string) => {
    const parts = value.split(',').map((p) => p.trim());
    const bad = parts.find((p) => !(choices as readonly string[]).includes(p));
    if (bad !== undefined) {
      throw new InvalidArgumentError(`expected a comma-separated list of ${choices.join(', ')}, got '${bad}' in '${value}'.`);
    }
    return [...new Set(parts)] as T[];
  };
}
