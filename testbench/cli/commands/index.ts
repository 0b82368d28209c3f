import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { registerDramBench } from './dram-bench.ts';
import { registerHdlBench } from './hdl-bench.ts';
import { registerMacArray } from './mac-array.ts';
import { registerNpu } from './npu.ts';
import { registerRun } from './run.ts';
import { registerSizeFifo } from './size-fifo.ts';
import { registerStart } from './start.ts';
import { registerSweep } from './sweep.ts';

/** Every CLI command, in the order `skipsim --help` lists them. */
export const commands: readonly ((program: Command, io: CliIo) => void)[] = [
  registerStart,
  registerSizeFifo,
  registerRun,
  registerSweep,
  registerNpu,
  registerMacArray,
  registerDramBench,
  registerHdlBench,
];
