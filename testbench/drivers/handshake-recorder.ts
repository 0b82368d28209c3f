import { Module } from '../../sim/module.ts';
import type { Signal } from '../../sim/signal.ts';
import type { StreamWires } from '../../hw/stream/stream.ts';

/** Per-cycle handshake history of one stream: valid and ready as they were before each rising edge. */
export interface HandshakeHistory {
  name: string;
  valid: number[];
  ready: number[];
}

/**
 * HandshakeRecorder: a passive module that records, at every rising edge, the valid and ready of each
 * watched stream as they were before the edge (what decided the transfer at that edge). Two runs with
 * identical histories moved every beat at the same edges.
 */
export class HandshakeRecorder extends Module {
  readonly histories: HandshakeHistory[];

  constructor(parent: Module, name: string, options: { clk: Signal<number>; streams: readonly StreamWires<any>[] }) {
    super(parent, name);
    const sigs = options.streams.map((w, i) => ({
      v: this.input(`s${i}_valid`, 1).bind(w.valid).sig,
      r: this.input(`s${i}_ready`, 1).bind(w.ready).sig,
    }));
    this.histories = options.streams.map((w) => ({ name: w.name, valid: [], ready: [] }));
    const hs = this.histories;
    this.onRising(this.input('clk', 1).bind(options.clk), () => {
      for (let i = 0; i < sigs.length; i++) {
        hs[i]!.valid.push(sigs[i]!.v.value);
        hs[i]!.ready.push(sigs[i]!.r.value);
      }
    });
  }

  /** One line per stream: per cycle '.' idle, 's' stall (valid, not ready), 'T' transfer, 'r' ready only. */
  summary(): string {
    return this.histories
      .map((h) => `${h.name}: ${h.valid.map((v, i) => (v ? (h.ready[i] ? 'T' : 's') : h.ready[i] ? 'r' : '.')).join('')}`)
      .join('\n');
  }
}
