// What the NPU controller runs: a layer list in execution order with named int8 HWC tensors. The
// shapes are structural (testbench/npu/networks.ts builds its lists with these types; hw/ never imports
// testbench/).

export type NpuLayerKind = 'conv' | 'matmul' | 'add' | 'relu' | 'pool';

export interface NpuShape {
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

export interface NpuLayer {
  readonly name: string;
  readonly kind: NpuLayerKind;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly inShapes: readonly NpuShape[];
  readonly outShape: NpuShape;
  /** Square window (conv, pool); 1 otherwise. */
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  /** Input channels (matmul: input elements) and output channels. */
  readonly cin: number;
  readonly cout: number;
  /** ReLU fused on the output. */
  readonly relu: boolean;
  readonly pool?: 'max' | 'avg';
}

export interface NpuTensor {
  readonly name: string;
  readonly shape: NpuShape;
  readonly bytes: number;
}

export interface NpuNetwork {
  readonly name: string;
  readonly input: string;
  readonly outputs: readonly string[];
  readonly tensors: Readonly<Record<string, NpuTensor>>;
  readonly layers: readonly NpuLayer[];
}

export const shapeBytes = (s: NpuShape): number => s.h * s.w * s.c;

/** Bytes of one row (w x c int8) of a shape. */
export const rowBytes = (s: NpuShape): number => s.w * s.c;

/** True for layers that run on the MAC array. */
export const isMacLayer = (l: NpuLayer): boolean => l.kind === 'conv' || l.kind === 'matmul';
