// A trained encoder (layers/) as an ONNX graph, for onnxruntime. The graph takes the same NHWC batch
// as the tfjs encoder and gives the same pooled vectors; inside it runs NCHW, onnxruntime's native
// layout. Group normalisation is InstanceNormalization over (groups, rest) reshaped, then the
// per-channel scale and offset: the form every opset since 6 has (GroupNormalization is opset 18+).
import type { Layer } from '../layers/layer.ts';
import { Sequential } from '../layers/sequential.ts';
import { ConvBlock } from '../layers/conv-block.ts';
import { Conv2D } from '../layers/conv2d.ts';
import { GroupNorm } from '../layers/group-norm.ts';
import { ResidualBlock } from '../layers/residual-block.ts';
import { AzimuthalPool, GlobalAveragePool, MaxPool } from '../layers/pooling.ts';
import { Dense } from '../layers/dense.ts';
import { ModelError } from '../errors.ts';
import { encodeModel, type OnnxNode, type OnnxTensor } from './protobuf.ts';

export const ONNX_INPUT = 'images';
export const ONNX_OUTPUT = 'embedding';
const OPSET = 17;

/** Current value: its name and, for 4-D ones, [C, H, W] (NCHW without the batch). */
interface Value { name: string; chw: [number, number, number] }

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  #n = 0;

  fresh(hint: string): string {
    return `${hint}_${this.#n++}`;
  }

  constant(hint: string, dims: number[], values: Float32Array | BigInt64Array): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, values });
    return name;
  }

  ints(hint: string, values: number[]): string {
    return this.constant(hint, [values.length], BigInt64Array.from(values, BigInt));
  }

  op(op: string, inputs: string[], attributes?: OnnxNode['attributes'], floatAttributes?: string[]): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], ...(attributes ? { attributes } : {}), ...(floatAttributes ? { floatAttributes } : {}) });
    return out;
  }
}

function weight(layer: Layer, path: string): { shape: number[]; values: Float32Array } {
  const w = layer.weights().find((x) => x.path === path);
  if (!w) throw new ModelError(`ONNX export: layer ${layer.name} has no weight ${path}`);
  return { shape: w.variable.shape, values: w.variable.dataSync() as Float32Array };
}

/** TensorFlow's 'same' padding: the extra pixel, if any, goes after (ONNX SAME_UPPER). */
function samePads(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function conv(g: GraphBuilder, x: Value, l: Conv2D): Value {
  const [, h, w] = x.chw;
  const k = l.kernelSize, s = l.strides;
  const kernel = weight(l, 'kernel');
  const [, , inC, outC] = kernel.shape as [number, number, number, number];
  // [k, k, in, out] -> [out, in, k, k]
  const oihw = new Float32Array(kernel.values.length);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) {
    oihw[((o * inC + i) * k + a) * k + b] = kernel.values[((a * k + b) * inC + i) * outC + o]!;
  }
  const inputs = [x.name, g.constant(`${l.name}_w`, [outC, inC, k, k], oihw)];
  if (l.useBias) inputs.push(g.constant(`${l.name}_b`, [outC], weight(l, 'bias').values));
  const [pt, pb] = l.padding === 'same' ? samePads(h, k, s) : [0, 0];
  const [pl, pr] = l.padding === 'same' ? samePads(w, k, s) : [0, 0];
  const out = g.op('Conv', inputs, { kernel_shape: [k, k], strides: [s, s], pads: [pt, pl, pb, pr] });
  const size = (n: number) => (l.padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s));
  return { name: out, chw: [outC, size(h), size(w)] };
}

function groupNorm(g: GraphBuilder, x: Value, l: GroupNorm, relu: boolean): Value {
  const [c, h, w] = x.chw;
  const groups = l.groups;
  const grouped = g.op('Reshape', [x.name, g.ints('grouped', [0, groups, -1])]);
  const normed = g.op('InstanceNormalization', [grouped, g.constant('ones', [groups], new Float32Array(groups).fill(1)), g.constant('zeros', [groups], new Float32Array(groups))],
    { epsilon: l.epsilon }, ['epsilon']);
  const back = g.op('Reshape', [normed, g.ints('chw', [0, c, h, w])]);
  const scaled = g.op('Mul', [back, g.constant(`${l.name}_gamma`, [c, 1, 1], weight(l, 'gamma').values)]);
  const shifted = g.op('Add', [scaled, g.constant(`${l.name}_beta`, [c, 1, 1], weight(l, 'beta').values)]);
  return { name: relu ? g.op('Relu', [shifted]) : shifted, chw: x.chw };
}

function convBlock(g: GraphBuilder, x: Value, l: ConvBlock): Value {
  return groupNorm(g, conv(g, x, l.conv), l.norm, l.relu);
}

/** The layer applied to x; pooling layers end the spatial part and return a [batch, d] value (chw [d, 1, 1]). */
function emit(g: GraphBuilder, x: Value, l: Layer): Value {
  if (l instanceof Sequential) return l.layers.reduce((v, sub) => emit(g, v, sub), x);
  if (l instanceof ConvBlock) return convBlock(g, x, l);
  if (l instanceof ResidualBlock) {
    const y = convBlock(g, convBlock(g, x, l.conv1), l.conv2);
    const skip = l.shortcut ? convBlock(g, x, l.shortcut) : x;
    return { name: g.op('Relu', [g.op('Add', [y.name, skip.name])]), chw: y.chw };
  }
  if (l instanceof MaxPool) {
    const [c, h, w] = x.chw, k = l.poolSize, s = l.strides;
    const [pt, pb] = samePads(h, k, s), [pl, pr] = samePads(w, k, s);
    const out = g.op('MaxPool', [x.name], { kernel_shape: [k, k], strides: [s, s], pads: [pt, pl, pb, pr] });
    return { name: out, chw: [c, Math.ceil(h / s), Math.ceil(w / s)] };
  }
  if (l instanceof GlobalAveragePool) {
    return { name: g.op('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 }), chw: [x.chw[0], 1, 1] };
  }
  if (l instanceof AzimuthalPool) {
    // mean over the columns, then rows-major like the NHWC reshape: [N, C, H] -> [N, H, C] -> [N, H*C]
    const [c, h] = x.chw;
    const mean = g.op('ReduceMean', [x.name], { axes: [3], keepdims: 0 });
    const rowsFirst = g.op('Transpose', [mean], { perm: [0, 2, 1] });
    return { name: g.op('Reshape', [rowsFirst, g.ints('flat', [0, h * c])]), chw: [h * c, 1, 1] };
  }
  if (l instanceof Dense) {
    const kernel = weight(l, 'kernel');
    let y = g.op('MatMul', [x.name, g.constant(`${l.name}_w`, kernel.shape, kernel.values)]);
    if (l.useBias) y = g.op('Add', [y, g.constant(`${l.name}_b`, [l.units], weight(l, 'bias').values)]);
    return { name: y, chw: [l.units, 1, 1] };
  }
  throw new ModelError(`ONNX export: no ONNX form for layer ${l.name} (${l.className})`);
}

/**
 * The built encoder as a serialised ONNX model: input 'images' [batch, size, size, channels] (NHWC,
 * as embed feeds tfjs), output 'embedding' [batch, d], the encoder's output.
 */
export function encoderToOnnx(encoder: Layer, size: number, channels: number): Uint8Array {
  const g = new GraphBuilder();
  const nchw = g.op('Transpose', [ONNX_INPUT], { perm: [0, 3, 1, 2] });
  const out = emit(g, { name: nchw, chw: [channels, size, size] }, encoder);
  g.nodes.push({ op: 'Identity', inputs: [out.name], outputs: [ONNX_OUTPUT] });
  return encodeModel({
    name: encoder.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: ONNX_INPUT, dims: ['batch', size, size, channels] }],
    outputs: [{ name: ONNX_OUTPUT, dims: ['batch', out.chw[0]] }],
    opset: OPSET,
  });
}
