import type Benchmark from 'benchmark';
import { componentsSuite } from './components.bench.ts';

/** Further suites (components, sizing): each returns its suite and how to print one result. */
export const extraSuites: Record<string, () => { suite: Benchmark.Suite; describe: (b: Benchmark) => string }> = {
  components: componentsSuite,
};
