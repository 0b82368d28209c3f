import { describe, expect, it } from 'vitest';
import {
  type Layer,
  type Network,
  layerMacs,
  layerWeightBytes,
  liveTensorCounts,
  networkMacs,
  resnet18,
  resnet50Conv2x,
  tensorLifetimes,
  validateNetwork,
  vgg,
} from './networks.ts';
import { findConflicts, liveBytesOverTime, planBest } from './planner.ts';

const byName = (net: Network, name: string): Layer => {
  const l = net.layers.find((x) => x.name === name);
  if (!l) throw new Error(`no layer ${name}`);
  return l;
};
const shapeOf = (net: Network, name: string) => {
  const s = byName(net, name).outShape;
  return [s.h, s.w, s.c];
};

describe('ResNet-18 at 224x224', () => {
  const net = resnet18({ inputSize: 224 });

  it('has every layer: conv1, maxpool, 8 basic blocks (3 projections), avgpool, fc', () => {
    expect(net.layers).toHaveLength(31);
    expect(net.layers.filter((l) => l.kind === 'conv')).toHaveLength(20); // 17 + 3 downsample
    expect(net.layers.filter((l) => l.kind === 'add')).toHaveLength(8);
    expect(net.layers.filter((l) => l.name.endsWith('downsample')).map((l) => l.name)).toEqual([
      'layer2.0.downsample',
      'layer3.0.downsample',
      'layer4.0.downsample',
    ]);
    validateNetwork(net);
  });

  it('output shapes follow the torchvision model', () => {
    expect(shapeOf(net, 'conv1')).toEqual([112, 112, 64]);
    expect(shapeOf(net, 'maxpool')).toEqual([56, 56, 64]);
    expect(shapeOf(net, 'layer1.1.add')).toEqual([56, 56, 64]);
    expect(shapeOf(net, 'layer2.0.conv1')).toEqual([28, 28, 128]);
    expect(shapeOf(net, 'layer2.0.downsample')).toEqual([28, 28, 128]);
    expect(shapeOf(net, 'layer3.1.add')).toEqual([14, 14, 256]);
    expect(shapeOf(net, 'layer4.1.add')).toEqual([7, 7, 512]);
    expect(shapeOf(net, 'avgpool')).toEqual([1, 1, 512]);
    expect(shapeOf(net, 'fc')).toEqual([1, 1, 1000]);
  });

  it('MACs = 1,814,073,344 (the quoted ~1.8 G "FLOPs" are MACs)', () => {
    // conv1 118,013,952 + layer1 4 x 115,605,504 + layers 2-4 each 57,802,752 + 3 x 115,605,504
    // + 6,422,528 (projection) + fc 512,000
    expect(layerMacs(byName(net, 'conv1'))).toBe(118_013_952);
    expect(layerMacs(byName(net, 'layer2.0.downsample'))).toBe(6_422_528);
    expect(networkMacs(net)).toBe(118_013_952 + 4 * 115_605_504 + 3 * (57_802_752 + 3 * 115_605_504 + 6_422_528) + 512_000);
    expect(networkMacs(net)).toBe(1_814_073_344);
    expect(Math.abs(networkMacs(net) / 1.82e9 - 1)).toBeLessThan(0.01);
  });

  it('weights: 11,678,912 int8 parameters in convs and fc', () => {
    // torchvision's 11,689,512 = this + BN gamma/beta (2 x 4,800 channels) + fc bias (1,000)
    const w = net.layers.reduce((s, l) => s + layerWeightBytes(l), 0);
    expect(w).toBe(11_678_912);
  });

  it('a separate ReLU layer changes the layer list but not the MACs', () => {
    const sep = resnet18({ inputSize: 224, separateRelu: true });
    expect(sep.layers.filter((l) => l.kind === 'relu')).toHaveLength(17); // conv1 + 8 x conv1 + 8 adds
    expect(networkMacs(sep)).toBe(networkMacs(net));
    validateNetwork(sep);
  });
});

describe('lifetimes: chain vs residual', () => {
  it('a chain never holds more than 2 tensors (ping-pong)', () => {
    for (const net of [vgg(), vgg({ variant: 'vgg16', classifier: true }), vgg({ separateRelu: true })]) {
      const counts = liveTensorCounts(net);
      expect(Math.max(...counts)).toBe(2);
    }
  });

  it('a residual network holds >= 3 tensors at every add, and no more than 3 anywhere', () => {
    for (const net of [resnet18({ inputSize: 224 }), resnet18({ inputSize: 56 }), resnet50Conv2x()]) {
      const counts = liveTensorCounts(net);
      net.layers.forEach((l, i) => {
        if (l.kind === 'add') expect(counts[i]).toBeGreaterThanOrEqual(3);
      });
      expect(Math.max(...counts)).toBe(3);
    }
  });

  it('the skip tensor lives from its producer to the add', () => {
    const net = resnet18({ inputSize: 224 });
    const ops = net.layers.map((l) => l.name);
    const x = tensorLifetimes(net).find((b) => b.name === 'maxpool')!;
    expect(x).toEqual({ name: 'maxpool', size: 56 * 56 * 64, firstUse: ops.indexOf('maxpool'), lastUse: ops.indexOf('layer1.0.add') });
    // with a projection the block input dies at the downsample conv instead
    const y = tensorLifetimes(net).find((b) => b.name === 'layer1.1.add')!;
    expect(y.lastUse).toBe(ops.indexOf('layer2.0.downsample'));
    const input = tensorLifetimes(net).find((b) => b.name === 'input')!;
    expect([input.firstUse, input.lastUse]).toEqual([0, 0]);
    const fc = tensorLifetimes(net).find((b) => b.name === 'fc')!;
    expect(fc.lastUse).toBe(net.layers.length - 1);
  });

  it('live bytes in layer1: 3 x 56x56x64 for the residual, at most 2 tensors for the chain', () => {
    const net = resnet18({ inputSize: 224 });
    const { start, live } = liveBytesOverTime(tensorLifetimes(net));
    const at = net.layers.findIndex((l) => l.name === 'layer1.0.add');
    expect(live[at - start]).toBe(3 * 200_704);
  });

  it('planned arenas meet the live-bytes bound on all networks (greedy-by-size already optimal)', () => {
    const cases: Array<[Network, number]> = [
      [vgg(), 250_880], // at pool1: conv1 out 56x56x64 (200,704) + pool1 out 28x28x64 (50,176)
      [resnet18({ inputSize: 224 }), 1_003_520], // stem: conv1 out 802,816 + maxpool out 200,704
      [resnet50Conv2x(), 2_408_448], // 3 x 56x56x256 around each add
    ];
    for (const [net, expected] of cases) {
      const bufs = tensorLifetimes(net);
      const cmp = planBest(bufs);
      expect(cmp.lowerBound).toBe(expected);
      expect(cmp.greedyBySize.peak).toBe(expected);
      expect(cmp.best.peak).toBe(expected);
      expect(findConflicts(bufs, cmp.best.offsets)).toEqual([]);
    }
  });
});

describe('VGG and ResNet-50 conv2_x', () => {
  it('VGG-11 at 56x56: 8 convs, 5 pools, 56 -> 1', () => {
    const net = vgg();
    expect(net.layers.filter((l) => l.kind === 'conv')).toHaveLength(8);
    expect(shapeOf(net, 'conv1')).toEqual([56, 56, 64]);
    expect(shapeOf(net, 'pool3')).toEqual([7, 7, 256]);
    expect(shapeOf(net, 'pool5')).toEqual([1, 1, 512]);
  });

  it('VGG-16 at 224 with classifier: 15,470,264,320 MACs (the known 15.5 GMACs)', () => {
    const net = vgg({ variant: 'vgg16', inputSize: 224, classifier: true });
    expect(networkMacs(net)).toBe(15_470_264_320);
    expect(byName(net, 'fc1').cin).toBe(7 * 7 * 512);
  });

  it('ResNet-50 conv2_x: 3 bottlenecks 64 -> 256 at 56x56, projection only on the first', () => {
    const net = resnet50Conv2x();
    expect(net.layers.map((l) => l.name)).toEqual([
      'layer1.0.conv1', 'layer1.0.conv2', 'layer1.0.conv3', 'layer1.0.downsample', 'layer1.0.add',
      'layer1.1.conv1', 'layer1.1.conv2', 'layer1.1.conv3', 'layer1.1.add',
      'layer1.2.conv1', 'layer1.2.conv2', 'layer1.2.conv3', 'layer1.2.add',
    ]);
    expect(shapeOf(net, 'layer1.2.add')).toEqual([56, 56, 256]);
    expect([byName(net, 'layer1.1.conv1').cin, byName(net, 'layer1.1.conv1').cout]).toEqual([256, 64]);
    // block 1: 12,845,056 + 115,605,504 + 51,380,224 x 2; blocks 2-3: 51,380,224 x 2 + 115,605,504
    expect(networkMacs(net)).toBe(231_211_008 + 2 * 218_365_952);
  });

  it('widthDivisor shrinks channels for fast simulation', () => {
    const net = resnet18({ inputSize: 32, widthDivisor: 8 });
    expect(shapeOf(net, 'layer4.1.add')).toEqual([1, 1, 64]);
    validateNetwork(net);
    expect(() => resnet18({ widthDivisor: 3 })).toThrow(/resnet18: widthDivisor: expected a divisor of 64 channels, got 3/);
  });
});

describe('errors name the field', () => {
  it('bad options', () => {
    expect(() => vgg({ inputSize: 0 })).toThrow(/vgg11: inputSize: expected a positive integer, got 0/);
    expect(() => vgg({ inputSize: 8 })).toThrow(/tensor 'pool4' would be 0x0: input too small/);
  });

  it('a hand-broken network lists each problem', () => {
    const good = resnet50Conv2x();
    const layers = good.layers.map((l) => (l.name === 'layer1.1.conv1' ? { ...l, inputs: ['nope'], cin: 7 } : l));
    expect(() => validateNetwork({ ...good, layers })).toThrow(
      /layer 5 'layer1.1.conv1': inputs\[0\]: tensor 'nope' is used before it is produced[\s\S]*cin: expected 256 \(input channels\), got 7/,
    );
  });
});
