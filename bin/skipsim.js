#!/usr/bin/env node
// Entry point of `npx skipsim` and `npm start`: runs the TypeScript CLI through tsx's loader
// (no build step; esbuild strips types once per file, the simulation then runs as plain JS).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../testbench/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
