import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { SimError } from '../../sim/errors.ts';
import { commands } from './commands/index.ts';
import { processIo, type CliIo } from './io.ts';

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** Build the `skipsim` command line. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('skipsim')
    .description('cycle-accurate model of what a ResNet skip connection costs a chip')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const register of commands) register(program, io);
  return program;
}

/** Run the CLI; returns the process exit code. Errors are printed as messages, never as bare stack traces. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof SimError) {
      io.err(`skipsim: ${err.message}`);
      return 1;
    }
    io.err(`skipsim: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SKIPSIM_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
