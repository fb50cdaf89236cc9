// NumPy's .npy format (version 1.0/2.0/3.0 read, 1.0 written): a magic string, a Python-literal header
// dict (descr, fortran_order, shape) padded to 64 bytes, then the raw array. Hand-written: the format
// is a page of spec (numpy.lib.format) and no maintained npm package reads and writes it both ways.
import { readFileSync } from 'node:fs';
import { writeAtomically } from './atomic-write.ts';

export type NpyArray = Float32Array | Float64Array | Int32Array;

export interface Npy {
  shape: number[];
  /** Row-major (C order) values; Fortran-ordered 2-D input is transposed on read. */
  data: NpyArray;
}

export class NpyError extends Error {
  override readonly name = 'NpyError';
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_VALUES = 2 ** 31;

function descrOf(data: NpyArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  return '<i4';
}

export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  const view = new DataView(out.buffer, total);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * size, data[i]!, true);
    else if (data instanceof Float64Array) view.setFloat64(i * size, data[i]!, true);
    else view.setInt32(i * size, data[i]!, true);
  }
  return out;
}

export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  writeAtomically(path, encodeNpy(data, shape));
}

export function readNpy(path: string): Npy {
  return decodeNpy(readFileSync(path), path);
}

/** Parses .npy bytes: float32/float64/int32/int64 (int64 must fit a double exactly), either byte order. */
export function decodeNpy(bytes: Uint8Array, source = '.npy'): Npy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(source, 'not a NumPy .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(source, 'truncated header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError(source, `.npy format version ${major} is not supported`);
  }
  if (start + headerLen > bytes.length || headerLen > 1 << 20) throw new NpyError(source, 'truncated or oversized header');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(source, `header is not a plain array header (structured arrays are not supported): ${header.trim().slice(0, 120)}`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new NpyError(source, `bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUES) throw new NpyError(source, `array of ${count} values is too large`);
  const m = /^([<>|=])([fi])(\d)$/.exec(descr);
  if (!m || !['f4', 'f8', 'i4', 'i8'].includes(m[2]! + m[3]!)) throw new NpyError(source, `dtype ${descr} is not supported (float32, float64, int32 or int64)`);
  const little = m[1] !== '>';
  const size = Number(m[3]);
  const dataStart = start + headerLen;
  if (dataStart + count * size > bytes.length) throw new NpyError(source, `data is truncated: ${bytes.length - dataStart} bytes for ${count} values of ${size} bytes`);
  let data: NpyArray;
  const kind = m[2] + m[3];
  if (kind === 'f4') {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, little);
  } else if (kind === 'f8') {
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, little);
  } else if (kind === 'i4') {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getInt32(dataStart + 4 * i, little);
  } else {
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = view.getBigInt64(dataStart + 8 * i, little);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new NpyError(source, `int64 value ${v} does not fit a double exactly`);
      data[i] = Number(v);
    }
  }
  if (fortran === 'True' && shape.length === 2) data = transpose(data, shape[1]!, shape[0]!);
  else if (fortran === 'True' && shape.length > 2) throw new NpyError(source, 'Fortran-ordered arrays of more than 2 dimensions are not supported');
  return { shape, data };
}

/** Column-major rows × cols storage read as cols × rows, returned row-major. */
function transpose<T extends NpyArray>(data: T, rows: number, cols: number): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}
