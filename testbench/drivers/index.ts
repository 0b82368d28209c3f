/** Testbench drivers: seeded stream sources and sinks, scoreboards, tensor <-> beat conversion. */
export { StreamDriver, gapDecider, type Gaps, type StreamDriverOptions } from './stream-driver.ts';
export { StreamMonitor, type StreamMonitorOptions } from './stream-monitor.ts';
export { Scoreboard, type BeatMismatch, type MismatchField, type ScoreboardOptions } from './scoreboard.ts';
export { tensorToBeats, beatsToTensor, groupsPerPixel } from './tensor-beats.ts';
export { HandshakeRecorder, type HandshakeHistory } from './handshake-recorder.ts';
