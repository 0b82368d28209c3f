/** The skipsim kernel: time, signals, ports, modules, clocks, processes, triggers, errors, tracing API. */
export { ErrorCodes, SimError, type ErrorCode } from './errors.ts';
export { Signal, type SignalKind, type SignalOptions, type TraceAs } from './signal.ts';
export { In, Out, Port } from './port.ts';
export { Module, type Trigger } from './module.ts';
export { Simulator, type RunOptions, type SimulatorOptions, type StopReason } from './simulator.ts';
export { rising, falling, changed, until, timer, nextDelta, settled, risingWhen } from './triggers.ts';
export { Watchdog, DeadlockError, type WatchdogOptions, type BlockedComponent } from './watchdog.ts';
export type { DesignView, ScopeView, TraceSink } from './trace.ts';
export type { TimeUnit } from './time.ts';
