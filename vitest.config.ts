import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sim,hw,testbench,waves,bench}/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
