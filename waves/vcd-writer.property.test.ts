/**
 * Property tests (checklist items 18, 19, 24, 27, 28, 30): random designs with widths 1..64 (kind `wide`
 * above 32 bits), reals, data payloads with null (x) and port aliases, driven through random change
 * histories with glitches inside a step. What the reader gets back must equal a model of the history:
 * the initial values at the window start, then the settled value of every step that differs from the
 * previous one, then x at the window end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../sim/signal.ts';
import { fakeDesign, MemoryWritable, rootScope } from './testing.ts';
import { findVar, parseVcd } from './vcd-reader.ts';
import { VcdWriter } from './vcd-writer.ts';

interface Spec {
  width: number;
  kind: 'num' | 'real' | 'data';
  integer: boolean;
}

interface Write {
  sig: number;
  /** Several writes in one step: only the last one settles (the others are glitches). */
  values: { bits: bigint; real: number; isNull: boolean }[];
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  width: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(1, 31, 32, 33, 53, 54, 64)),
  kind: fc.constantFrom('num', 'num', 'real', 'data'),
  integer: fc.boolean(),
});

const valueArb = fc.record({
  bits: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, 1n, 2n)),
  real: fc.oneof(fc.double(), fc.constantFrom(0, -0, 0.5, NaN, Infinity, -Infinity, 0.1 + 0.2)),
  isNull: fc.boolean(),
});

function stepsArb(nSignals: number) {
  return fc.array(
    fc.record({
      dt: fc.integer({ min: 1, max: 1000 }),
      writes: fc.array(fc.record({ sig: fc.nat({ max: nSignals - 1 }), values: fc.array(valueArb, { minLength: 1, maxLength: 3 }) }), { maxLength: 8 }),
    }),
    { maxLength: 40 },
  );
}

/** The raw value a signal of this spec holds for a generated value. */
function rawValue(spec: Spec, v: { bits: bigint; real: number; isNull: boolean }): unknown {
  const masked = v.bits & ((1n << BigInt(spec.width)) - 1n);
  switch (spec.kind) {
    case 'real':
      return v.real;
    case 'data':
      return v.isNull ? null : { bits: masked };
    default:
      return spec.width > 32 ? masked : Number(masked);
  }
}

/** The value string the reader reports for a raw value (full width, left-extended; reals as numbers). */
function expected(spec: Spec, raw: unknown): string | number {
  if (spec.kind === 'real') return raw as number;
  const size = spec.integer ? Math.max(32, spec.width) : spec.width;
  if (raw === null) return 'x'.repeat(size);
  const bits = typeof raw === 'object' ? (raw as { bits: bigint }).bits : BigInt(raw as number | bigint);
  return bits.toString(2).padStart(size, '0');
}

function same(a: string | number, b: string | number): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && a !== a && b !== b);
}

function buildDesign(specs: Spec[], aliasOf: number) {
  const top = rootScope('top');
  const sigs: Signal<any>[] = specs.map((sp, i) => {
    const name = `s${i}`;
    if (sp.kind === 'real') return top.signal(name, 1, { kind: 'real' });
    const traceAs = sp.integer && sp.width <= 32 ? ('integer' as const) : undefined;
    if (sp.kind === 'data') {
      return top.signal<{ bits: bigint } | null>(name, sp.width, { kind: 'data', traceAs, encode: (v) => v!.bits });
    }
    return top.signal<any>(name, sp.width, sp.width > 32 ? { kind: 'wide', traceAs } : { traceAs });
  });
  // integer only applies to narrow plain signals above; keep the model in sync
  specs.forEach((sp) => (sp.integer = sp.integer && sp.width <= 32 && sp.kind !== 'real'));
  top.child('sub').port('alias', sigs[aliasOf]!);
  return { design: fakeDesign([top], '1ps'), sigs };
}

function model(
  specs: Spec[],
  sigs: Signal<any>[],
  timeline: { t: number; values: unknown[] }[],
  closeAt: number,
  win: { start: number; end: number },
): [number, string | number][][] {
  const hist: [number, string | number][][] = specs.map(() => []);
  if (win.start > closeAt) return hist;
  const valueAt = (t: number): unknown[] => {
    let vals = sigs.map((_, i) => timeline[0]!.values[i]);
    for (const e of timeline) if (e.t <= t) vals = e.values;
    return vals;
  };
  const atStart = valueAt(win.start);
  specs.forEach((sp, i) => hist[i]!.push([win.start, expected(sp, atStart[i])]));
  for (const e of timeline.slice(1)) {
    if (e.t <= win.start || e.t >= win.end) continue;
    specs.forEach((sp, i) => {
      const h = hist[i]!;
      const v = expected(sp, e.values[i]);
      if (!same(h[h.length - 1]![1], v)) h.push([e.t, v]);
    });
  }
  if (win.end <= closeAt) {
    specs.forEach((sp, i) => {
      const size = sp.integer ? Math.max(32, sp.width) : sp.width;
      hist[i]!.push([win.end, sp.kind === 'real' ? NaN : 'x'.repeat(size)]);
    });
  }
  return hist;
}

async function runCase(specs: Spec[], steps: { dt: number; writes: Write[] }[], aliasOf: number, tail: number, win?: { start: number; end: number }) {
  const { design, sigs } = buildDesign(specs, aliasOf);
  const out = new MemoryWritable();
  const w = new VcdWriter({ stream: out, date: 'd', window: win });
  w.open(design);
  // timeline[0] holds the initial values (time "before" any step)
  const timeline: { t: number; values: unknown[] }[] = [{ t: -1, values: sigs.map((s) => s.value) }];
  let t = -1;
  for (const st of steps) {
    t += st.dt;
    const changed: Signal<any>[] = [];
    for (const wr of st.writes) {
      const sig = sigs[wr.sig]!;
      for (const v of wr.values) sig.value = rawValue(specs[wr.sig]!, v); // glitches: only the last settles
      if (!changed.includes(sig)) changed.push(sig);
    }
    w.step(t, changed);
    timeline.push({ t, values: sigs.map((s) => s.value) });
  }
  const closeAt = Math.max(t, 0) + tail;
  await w.close(closeAt);
  const text = out.text;
  const vcd = parseVcd(text);
  const want = model(specs, sigs, timeline, closeAt, win ?? { start: 0, end: Infinity });
  specs.forEach((sp, i) => {
    const v = findVar(vcd, `top.s${i}`);
    const got = vcd.history.get(v.id)!.map(([tt, s]): [number, string | number] => [tt, sp.kind === 'real' ? Number(s.replace(/^(-?)inf$/, '$1Infinity').replace('nan', 'NaN')) : s]);
    expect(got.length, `top.s${i} ${JSON.stringify(sp)}`).toBe(want[i]!.length);
    got.forEach(([tt, s], k) => {
      const [wt, ws] = want[i]![k]!;
      expect(tt).toBe(wt);
      expect(same(s, ws), `top.s${i} at ${tt}: got ${s}, want ${ws}`).toBe(true);
    });
    // at most one change per var per time
    for (let k = 1; k < got.length; k++) expect(got[k]![0]).toBeGreaterThan(got[k - 1]![0]);
  });
  // the port alias shares its signal's code and history
  expect(findVar(vcd, 'top.sub.alias').id).toBe(findVar(vcd, `top.s${aliasOf}`).id);
  // every line is one printable-ASCII item with no trailing blank
  for (const line of text.slice(0, -1).split('\n')) expect(line).toMatch(/^[!-~]+( [!-~]+)*$/);
  // vector values are never longer than their var, and shortened forms only drop leading zeros
  for (const line of text.split('\n')) {
    const m = /^b([01x]+) (.+)$/.exec(line);
    if (!m) continue;
    expect(m[1] === 'x' || m[1] === '0' || m[1]!.startsWith('1')).toBe(true);
  }
}

describe('VcdWriter: property tests', () => {
  it('write then read back equals the model history (settled value per step, glitches invisible)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 10 }).chain((specs) =>
          fc.tuple(fc.constant(specs), stepsArb(specs.length), fc.nat({ max: specs.length - 1 }), fc.nat({ max: 5 })),
        ),
        async ([specs, steps, aliasOf, tail]) => runCase(specs.map((s) => ({ ...s })), steps, aliasOf, tail),
      ),
      { numRuns: 150 },
    );
  });

  it('with a random time window: values at start, changes inside, x at end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 6 }).chain((specs) =>
          fc.tuple(
            fc.constant(specs),
            stepsArb(specs.length),
            fc.nat({ max: specs.length - 1 }),
            fc.nat({ max: 5 }),
            fc.nat({ max: 20_000 }),
            fc.integer({ min: 1, max: 20_000 }),
          ),
        ),
        async ([specs, steps, aliasOf, tail, start, len]) =>
          runCase(specs.map((s) => ({ ...s })), steps, aliasOf, tail, { start, end: start + len }),
      ),
      { numRuns: 150 },
    );
  });
});
