import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockLayout } from './block-layout.ts';
import { ConfigError, configToJson, loadScenarioFile, parseScenarioConfig } from './config.ts';

const BASE = { block: 'basic', height: 6, width: 7, channels: 8 };

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('scenario config: defaults', () => {
  it('fills in channels, folding, rates and mode per block type', () => {
    const b = parseScenarioConfig(BASE);
    expect(b).toMatchObject({ midChannels: 8, outChannels: 8, bits: 8, frames: 1, mode: 'data', debug: true, fifoDepth: Infinity, source: { kind: 'free' } });
    expect(b.convs).toEqual({ conv1: { simd: 8, pe: 8 }, conv2: { simd: 8, pe: 8 } });
    const bn = parseScenarioConfig({ ...BASE, block: 'bottleneck', channels: 256, simd: 4, pe: 2 });
    expect(bn.midChannels).toBe(64);
    expect(Object.keys(bn.convs)).toEqual(['conv1', 'conv2', 'conv3']);
    const ds = parseScenarioConfig({ ...BASE, block: 'downsample', convs: { conv1: { simd: 4 }, conv2: { pe: 2 } } });
    expect(ds.outChannels).toBe(16);
    // The projection takes the fork's lanes (conv1.simd) and gives the adder's (conv2.pe).
    expect(ds.convs.proj).toEqual({ simd: 4, pe: 2 });
    expect(parseScenarioConfig(BASE, { frames: 2, mode: 'timing' })).toMatchObject({ frames: 2, mode: 'timing', debug: false });
  });

  it('accepts the three source rates, backpressure as a number or an object, and unbounded depths', () => {
    expect(parseScenarioConfig({ ...BASE, source: { validProbability: 0.5, seed: 3 } }).source).toEqual({ kind: 'probability', validProbability: 0.5, seed: '3' });
    expect(parseScenarioConfig({ ...BASE, source: { beats: 2, every: 5 } }).source).toEqual({ kind: 'fixed', beats: 2, every: 5 });
    expect(parseScenarioConfig({ ...BASE, backpressure: 0.7, seed: 9 }).backpressure).toEqual({ readyProbability: 0.7, seed: '9/sink' });
    expect(parseScenarioConfig({ ...BASE, backpressure: { readyProbability: 0.3, seed: 'x' } }).backpressure).toEqual({ readyProbability: 0.3, seed: 'x' });
    for (const d of ['unbounded', 'Infinity', Infinity]) expect(parseScenarioConfig({ ...BASE, fifoDepth: d }).fifoDepth).toBe(Infinity);
    expect(parseScenarioConfig({ ...BASE, fifoDepth: 12 }).fifoDepth).toBe(12);
  });

  it('round-trips through configToJson', () => {
    const c = parseScenarioConfig({ ...BASE, source: { beats: 1, every: 3 }, backpressure: 0.5, fifoDepth: 40 });
    expect(parseScenarioConfig(configToJson(c))).toEqual(c);
  });
});

describe('scenario config: errors name the field and what was expected', () => {
  const cases: [unknown, string][] = [
    [{ ...BASE, block: 'resnext' }, "config field 'block': expected one of basic, bottleneck, downsample, got 'resnext'"],
    [{ ...BASE, height: 0 }, "config field 'height': expected an integer >= 1, got 0"],
    [{ ...BASE, width: 2.5 }, "config field 'width': expected an integer >= 1, got 2.5"],
    [{ block: 'basic', height: 4, width: 4 }, "config field 'channels': missing: expected an integer >= 1"],
    [{ ...BASE, convs: { conv1: { simd: 0 } } }, "config field 'convs.conv1.simd': expected an integer >= 1, got 0"],
    [{ ...BASE, convs: { conv3: { simd: 2 } } }, "config field 'convs.conv3': the basic block has convs conv1, conv2"],
    [{ ...BASE, bits: 40, mode: 'timing' }, "config field 'bits': expected an integer in 2..32, got 40"],
    [{ ...BASE, bits: 4 }, "config field 'bits': must be 8 in data mode"],
    [{ ...BASE, outChannels: 16 }, "config field 'outChannels': the basic block has an identity skip, so outChannels must equal channels (8), got 16"],
    [{ ...BASE, source: { validProbability: 1.5 } }, "config field 'source.validProbability': expected a probability in (0, 1], got 1.5"],
    [{ ...BASE, source: 'fast' }, "config field 'source': expected 'free', { validProbability, seed? } or { beats, every }, got 'fast'"],
    [{ ...BASE, source: { beats: 4, every: 3 } }, "config field 'source.beats': must be <= source.every (3)"],
    [{ ...BASE, backpressure: 0 }, "config field 'backpressure': expected a probability in (0, 1], got 0"],
    [{ ...BASE, fifoDepth: 0 }, "config field 'fifoDepth': expected an integer >= 1 or 'unbounded', got 0"],
    [{ ...BASE, colour: 'red' }, "config field 'colour': unknown field (expected one of: block, height"],
    [[1, 2], "config field '(config)': expected an object"],
  ];
  for (const [input, message] of cases) {
    it(message, () => {
      expect(errorOf(() => parseScenarioConfig(input)).message).toContain(message);
    });
  }

  it('cross-field folding rules are checked when the block is laid out', () => {
    const bad = (raw: object) => errorOf(() => blockLayout(parseScenarioConfig({ ...BASE, ...raw }))).message;
    expect(bad({ convs: { conv1: { simd: 4, pe: 3 }, conv2: { simd: 2, pe: 4 } } })).toContain("config field 'convs.conv2.simd': conv1.pe (3) feeds conv2.simd (2)");
    expect(bad({ channels: 12, simd: 8, pe: 4 })).toContain('needs the 12 channels to be a multiple of 8');
    expect(bad({ block: 'downsample', convs: { proj: { simd: 2 } }, simd: 4, pe: 4 })).toContain("config field 'convs.proj.simd': the projection reads the fork's stream, so it must equal conv1.simd (4)");
    expect(bad({ block: 'downsample', convs: { proj: { pe: 8 } }, simd: 4, pe: 4 })).toContain("config field 'convs.proj.pe'");
  });
});

describe('scenario config files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipsim-config-'));
  it('loads YAML and JSON', () => {
    const yaml = path.join(dir, 'b.yaml');
    fs.writeFileSync(yaml, 'block: bottleneck\nheight: 56\nwidth: 56\nchannels: 256\nmidChannels: 64\nconvs:\n  conv3: { simd: 64, pe: 2 }\nfifoDepth: .inf\n');
    const c = loadScenarioFile(yaml);
    expect(c.convs.conv3).toEqual({ simd: 64, pe: 2 });
    expect(c.fifoDepth).toBe(Infinity);
    const json = path.join(dir, 'b.json');
    fs.writeFileSync(json, JSON.stringify({ ...BASE, frames: 3 }));
    expect(loadScenarioFile(json).frames).toBe(3);
  });

  it('reports unreadable, malformed and wrongly named files', () => {
    expect(errorOf(() => loadScenarioFile(path.join(dir, 'missing.yaml'))).message).toContain('cannot read config file');
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{ "block": ');
    expect(errorOf(() => loadScenarioFile(broken)).message).toContain('is not valid JSON');
    const txt = path.join(dir, 'c.txt');
    fs.writeFileSync(txt, 'x');
    expect(errorOf(() => loadScenarioFile(txt)).message).toContain('must end in .json, .yaml or .yml');
  });
});
