// The few ONNX protobuf messages an encoder needs (onnx/onnx.proto, field numbers below), written
// by hand: a graph of a dozen node kinds does not justify a protobuf library and a .proto compiler.
// Encoding only; onnxruntime is the reader, and the tests check it reads what we write.

const enc = new TextEncoder();

/** Protobuf wire writer: varints and length-delimited fields, nothing else is used here. */
class Writer {
  #parts: Uint8Array[] = [];
  #bytes: number[] = [];

  #flush(): void {
    if (this.#bytes.length) {
      this.#parts.push(Uint8Array.from(this.#bytes));
      this.#bytes = [];
    }
  }

  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.#bytes.push(b);
    } while (x !== 0n);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#bytes.push(...b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.#flush();
    this.#parts.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, enc.encode(s));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.#parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

export type Attribute = number | number[] | string;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Numbers are INT (integers) attributes unless listed in floatAttributes. */
  attributes?: Record<string, Attribute>;
  floatAttributes?: string[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** float32 values, or int64 ones (shapes, axes). */
  values: Float32Array | BigInt64Array;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Inputs and outputs, float32; a string dimension is symbolic (the batch). */
  inputs: { name: string; dims: (number | string)[] }[];
  outputs: { name: string; dims: (number | string)[] }[];
  opset: number;
}

const FLOAT = 1, INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

function tensor(t: OnnxTensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, t.values instanceof Float32Array ? FLOAT : INT64); // data_type
  w.string(8, t.name); // name
  // raw_data is little-endian, as typed arrays are on every platform Node runs on
  w.bytes(9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  return w;
}

function valueInfo(v: { name: string; dims: (number | string)[] }): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

function attribute(name: string, v: Attribute, isFloat: boolean): Writer {
  const w = new Writer().string(1, name);
  if (typeof v === 'string') return w.bytes(4, enc.encode(v)).int(20, ATTR.STRING);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, ATTR.INTS);
  }
  return isFloat ? w.float(2, v).int(20, ATTR.FLOAT) : w.int(3, v).int(20, ATTR.INT);
}

function node(n: OnnxNode, index: number): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op}_${index}`).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v, n.floatAttributes?.includes(k) ?? false));
  return w;
}

/** A serialised ModelProto (IR version 8) of the graph. */
export function encodeModel(g: OnnxGraph, producer = 'astromorph'): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.message(1, node(n, i)));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, producer)
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, g.opset)) // opset_import, default domain
    .finish();
}
