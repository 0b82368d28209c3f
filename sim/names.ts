import { ErrorCodes, SimError } from './errors.ts';

/** Names that map 1:1 onto VCD identifiers and GTKWave paths (no dots, brackets, blanks or colons). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkName(name: string, where: string): void {
  if (!NAME.test(name)) {
    throw new SimError({
      code: ErrorCodes.BAD_NAME,
      message: `${where}: name '${name}' must start with a letter or '_' and hold only letters, digits and '_'`,
      paths: [where],
      hint: 'use names like conv1 or lane_3; hierarchy comes from modules, not from dots in names',
    });
  }
}
