import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { registerHdlBench } from './hdl-bench.ts';
import { registerStart } from './start.ts';

/** Every CLI command registers itself here (one line each). */
export const commands: ((program: Command, io: CliIo) => void)[] = [registerStart, registerHdlBench];
import { registerMacArray } from './mac-array.ts'; commands.push(registerMacArray); // skipsim mac-array
import { registerDramBench } from './dram-bench.ts'; commands.push(registerDramBench); // skipsim dram-bench
import { registerSizeFifo } from './size-fifo.ts'; commands.push(registerSizeFifo); // skipsim size-fifo
import { registerRun } from './run.ts'; commands.push(registerRun); // skipsim run
import { registerSweep } from './sweep.ts'; commands.push(registerSweep); // skipsim sweep
import { registerNpu } from './npu.ts'; commands.push(registerNpu); // skipsim npu
