/**
 * Deadlock diagnosis at the scenario level. The watchdog's DeadlockError lists every blocked component in
 * hierarchy order; this explainer orders them along the data path as a chain of waits, starting at the
 * lock-step fork and following, at each component, the neighbour it waits on, until the chain returns to a
 * component already named (the cycle of waits), e.g.
 *   fork blocked: skip FIFO full (12/12) -> adder waiting for main path (input a) -> conv2 waiting for input
 *   row 3 ... -> conv1 waiting for input row 5 ... from the fork -> back to the fork
 * and names the culprit: the full skip FIFO, with the pixel the adder waits for and how far ahead the main
 * path needs the input.
 */
import type { Module } from '../../sim/module.ts';
import type { DeadlockError } from '../../sim/watchdog.ts';
import { ConvEngine } from '../../hw/conv/conv-engine.ts';
import { Adder } from '../../hw/stream/adder.ts';
import { Fork } from '../../hw/stream/fork.ts';
import { SkipFifo } from '../../hw/stream/skip-fifo.ts';
import { WidthConverter } from '../../hw/stream/width-converter.ts';
import type { Signal } from '../../sim/signal.ts';
import { StreamDriver } from '../drivers/stream-driver.ts';
import { StreamMonitor } from '../drivers/stream-monitor.ts';
import { mainNeed, outputBeatPosition } from './need-chain.ts';
import type { ResidualBench } from './residual-block.ts';

export interface DeadlockLink {
  /** Hierarchical path of the component. */
  path: string;
  /** Short role name: fork, skip FIFO, adder, conv2, ... */
  label: string;
  /** What it waits on, in words. */
  reason: string;
}

export interface DeadlockDiagnosis {
  error: DeadlockError;
  /** Rising edge at which the watchdog stopped the block. */
  cycle: number;
  /** The chain of waits, from the fork along the data path. */
  chain: DeadlockLink[];
  /** True when the chain came back to a component already in it (a cycle of waits). */
  cyclic: boolean;
  /** The component to fix (the full skip FIFO), or null if none of the chain is full. */
  culprit: (DeadlockLink & { detail: string }) | null;
  /** One-paragraph explanation: the chain, then the culprit. */
  message: string;
}

/** The module that drives `sig` (a port of it or a signal it declares). */
function driverModule(sig: Signal<any>, byPath: Map<string, Module>): Module | null {
  const p = sig.driverPath;
  if (!p) return null;
  return byPath.get(p.slice(0, p.lastIndexOf('.'))) ?? null;
}

function labelOf(b: ResidualBench, m: Module): string {
  if (m === b.fork) return 'fork';
  if (m === b.fifo) return 'skip FIFO';
  if (m === b.adder) return 'adder';
  if (m === b.source) return 'source';
  if (m === b.sink) return 'sink';
  if (m === b.skipConverter) return 'skip width converter';
  if (m instanceof WidthConverter) return `width converter ${m.name}`;
  return m.name;
}

/** What `m` waits on now, and on whom; null when it is not blocked. */
function waitOf(b: ResidualBench, m: Module, byPath: Map<string, Module>): { reason: string; next: Module | null } | null {
  if (m instanceof Fork) {
    if (!m.s.valid.sig.value) return { reason: 'waiting for input', next: driverModule(m.s.valid.sig, byPath) };
    const skip = m.branch('skip');
    const mainB = m.branch('main');
    if (!skip.ready.sig.value) {
      const next = driverModule(skip.ready.sig, byPath);
      const fifo = b.fifo;
      if (next === fifo) return { reason: `blocked: skip FIFO full (${fifo.count}/${fifo.depth})`, next };
      return { reason: `blocked: skip path not ready (${next ? labelOf(b, next) : '?'})`, next };
    }
    if (!mainB.ready.sig.value) return { reason: 'blocked: main path not ready', next: driverModule(mainB.ready.sig, byPath) };
    return null;
  }
  if (m instanceof SkipFifo) {
    const n = m.count;
    if (n === m.depth && !m.m.ready.sig.value) return { reason: `full (${n}/${m.depth}), waiting for the adder to pop`, next: driverModule(m.m.ready.sig, byPath) };
    if (n === 0) return { reason: `empty (0/${m.depth}), waiting for input`, next: driverModule(m.s.valid.sig, byPath) };
    if (!m.m.ready.sig.value) return { reason: `holding ${n}/${m.depth}, waiting for the adder to pop`, next: driverModule(m.m.ready.sig, byPath) };
    return null;
  }
  if (m instanceof Adder) {
    const av = m.a.valid.sig.value;
    const bv = m.b.valid.sig.value;
    const j = m.beats;
    const pos = outputBeatPosition(b.layout, j);
    const beat = `output beat ${j}: frame ${pos.frame} y ${pos.y} x ${pos.x} group ${pos.group}`;
    if (m.m.valid.sig.value && !m.m.ready.sig.value) return { reason: 'waiting for the sink to take the sum', next: driverModule(m.m.ready.sig, byPath) };
    if (!av) return { reason: `waiting for main path (input a, ${beat})${bv ? '; the skip operand is there' : ''}`, next: driverModule(m.a.valid.sig, byPath) };
    if (!bv) return { reason: `waiting for skip path (input b, ${beat})`, next: driverModule(m.b.valid.sig, byPath) };
    return null;
  }
  if (m instanceof ConvEngine) {
    const r = m.blockedOn();
    if (r === null) return null;
    const toInput = r.startsWith('waiting for input');
    return { reason: r, next: driverModule(toInput ? m.s.valid.sig : m.m.ready.sig, byPath) };
  }
  if (m instanceof WidthConverter) {
    if (m.m.valid.sig.value && !m.m.ready.sig.value) return { reason: 'holding a beat, output not ready', next: driverModule(m.m.ready.sig, byPath) };
    if (!m.s.valid.sig.value) return { reason: 'waiting for input', next: driverModule(m.s.valid.sig, byPath) };
    return null;
  }
  if (m instanceof StreamDriver) return m.done ? null : m.m.valid.sig.value ? { reason: 'offering a beat, waiting for ready', next: driverModule(m.m.ready.sig, byPath) } : null;
  if (m instanceof StreamMonitor) return m.s.ready.sig.value ? null : { reason: 'not ready (backpressure)', next: null };
  return null;
}

/** Order the blocked components along the data path and name the culprit. */
export function explainDeadlock(b: ResidualBench, error: DeadlockError): DeadlockDiagnosis {
  const byPath = new Map<string, Module>();
  for (const m of b.top.walk()) byPath.set(m.path, m);
  const chain: DeadlockLink[] = [];
  const seen = new Set<Module>();
  let cyclic = false;
  let m: Module | null = b.fork;
  while (m !== null) {
    if (seen.has(m)) {
      cyclic = true;
      break;
    }
    seen.add(m);
    const w = waitOf(b, m, byPath);
    if (w === null) break;
    chain.push({ path: m.path, label: labelOf(b, m), reason: w.reason });
    // The fork's link already says the FIFO is full: go on from the FIFO's wait, without repeating it.
    if (m === b.fork && w.next === b.fifo && b.fifo.count === b.fifo.depth) {
      seen.add(b.fifo);
      const fw = waitOf(b, b.fifo, byPath);
      m = fw ? fw.next : null;
      continue;
    }
    m = w.next;
  }
  const closing = cyclic && m !== null ? ` -> back to the ${labelOf(b, m)}` : '';
  const text = chain.map((l) => `${l.label} ${l.reason}`).join(' -> ') + closing;
  const culprit = culpritOf(b);
  const message =
    `deadlock at cycle ${error.cycle}: ${text || '(no component of the data path reports a wait)'}` +
    (culprit ? `\nculprit: ${culprit.label} (${culprit.path}) ${culprit.reason}: ${culprit.detail}` : '');
  return { error, cycle: error.cycle, chain, cyclic, culprit, message };
}

/** The full skip FIFO, with which pixel the adder waits for and how far ahead the main path reads. */
function culpritOf(b: ResidualBench): (DeadlockLink & { detail: string }) | null {
  const f = b.fifo;
  if (f.count !== f.depth) return null;
  const l = b.layout;
  const pos = outputBeatPosition(l, b.adder.beats);
  const need = mainNeed(l, pos.y, pos.x);
  const needBeats = (pos.frame * l.config.height * l.config.width + need.y * l.config.width + need.x + 1) * l.inBeatsPerPixel;
  const sent = b.source.sent;
  const detail =
    `the adder needs the main path's output pixel (y ${pos.y}, x ${pos.x}) of frame ${pos.frame}, which needs input up to pixel ` +
    `(y ${need.y}, x ${need.x}) = ${needBeats} input beats, but with the FIFO full the fork could push only ${sent}; ` +
    `the FIFO must hold the skip words from pixel (y ${pos.y}, x ${pos.x}) until that input has passed the fork (see 'skipsim size-fifo' for the deadlock-free depth)`;
  return { path: f.path, label: 'skip FIFO', reason: `is full (${f.count}/${f.depth})`, detail };
}
