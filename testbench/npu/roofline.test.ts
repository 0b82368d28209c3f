import { describe, expect, it } from 'vitest';
import { DRAM_PARAMS, peakBandwidthBytesPerSec } from '../../hw/npu/dram-params.ts';
import { type Network, elements, layerTrafficBytes, resnet18, resnet50Conv2x } from './networks.ts';
import {
  arithmeticIntensity,
  attainableOpsPerSec,
  boundBy,
  elementwiseAddIntensity,
  layerIntensity,
  ridgePoint,
  rooflineSeconds,
} from './roofline.ts';

const layer = (net: Network, name: string) => net.layers.find((l) => l.name === name)!;
const DDR4_BW = peakBandwidthBytesPerSec(DRAM_PARAMS['ddr4-3200']); // 25.6 GB/s
const NPU_MACS = 32 * 32 * 1e9; // 32x32 int8 MAC array at 1 GHz

describe('element-wise add intensity', () => {
  it('1 op per 2 reads + 1 write: int8 1/3, fp16 1/6, fp32 1/12 op/B', () => {
    expect(elementwiseAddIntensity(200_704, 1)).toBeCloseTo(1 / 3, 15);
    expect(elementwiseAddIntensity(200_704, 2)).toBeCloseTo(1 / 6, 15);
    expect(elementwiseAddIntensity(1, 4)).toBeCloseTo(1 / 12, 15);
  });

  it('matches the add layers of the networks', () => {
    const add = layer(resnet50Conv2x(), 'layer1.0.add');
    expect(layerTrafficBytes(add)).toBe(3 * 802_816);
    expect(layerIntensity(add)).toBeCloseTo(elementwiseAddIntensity(elements(add.outShape), 1), 15);
  });
});

describe('roofline', () => {
  it('ridge of a 1.024 TMAC/s array on DDR4-3200 x64 is 40 MAC/B', () => {
    expect(ridgePoint(NPU_MACS, DDR4_BW)).toBeCloseTo(40, 12);
  });

  it('attainable = min(peak, AI x BW)', () => {
    // int8 add: 1/3 op/B x 25.6 GB/s = 8.533 G op/s, 0.83% of the array's peak
    expect(attainableOpsPerSec(NPU_MACS, DDR4_BW, 1 / 3)).toBeCloseTo(25.6e9 / 3, 0);
    expect(attainableOpsPerSec(NPU_MACS, DDR4_BW, 263.8)).toBe(NPU_MACS);
    expect(attainableOpsPerSec(NPU_MACS, DDR4_BW, 40)).toBeCloseTo(NPU_MACS, 0);
    expect(boundBy(NPU_MACS, DDR4_BW, 1 / 3)).toBe('memory');
    expect(boundBy(NPU_MACS, DDR4_BW, 50.4)).toBe('compute');
  });

  it('TPU v1: 65,536 MACs at 700 MHz on 34 GB/s -> ridge ~1350 MAC/B', () => {
    expect(ridgePoint(65_536 * 700e6, 34e9)).toBeCloseTo(1349.3, 1);
  });

  it('conv intensities of npu-memory.md §5.3 (each tensor moved once)', () => {
    const r50 = resnet50Conv2x();
    expect(layerIntensity(layer(r50, 'layer1.0.conv2'))).toBeCloseTo(115_605_504 / 438_272, 12); // 263.8
    expect(layerIntensity(layer(r50, 'layer1.0.conv2'))).toBeCloseTo(263.8, 1);
    expect(layerIntensity(layer(r50, 'layer1.0.conv3'))).toBeCloseTo(50.4, 1); // 1x1 64->256
    expect(layerIntensity(layer(r50, 'layer1.0.conv1'))).toBeCloseTo(31.7, 1); // 1x1 64->64
    const conv1 = layer(resnet18({ inputSize: 224 }), 'conv1'); // same stem as ResNet-50
    expect(layerTrafficBytes(conv1)).toBe(962_752);
    expect(layerIntensity(conv1)).toBeCloseTo(122.6, 1);
  });

  it('one 56x56x256 int8 add from DRAM takes 94 us vs 0.8 us of compute', () => {
    const n = 56 * 56 * 256;
    const t = rooflineSeconds(n, 3 * n, NPU_MACS, DDR4_BW);
    expect(t).toBeCloseTo((3 * n) / 25.6e9, 15);
    expect(t * 1e6).toBeCloseTo(94.08, 2);
    expect(n / NPU_MACS).toBeLessThan(t / 100);
  });

  it('rejects bad arguments naming them', () => {
    expect(() => arithmeticIntensity(10, 0)).toThrow(/dramBytes: expected a positive finite number, got 0/);
    expect(() => elementwiseAddIntensity(0, 1)).toThrow(/elements: expected a positive integer, got 0/);
    expect(() => ridgePoint(1, -5)).toThrow(/bandwidthBytesPerSec/);
    expect(() => attainableOpsPerSec(1, 1, Number.NaN)).toThrow(/intensity/);
  });
});
