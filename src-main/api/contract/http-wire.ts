// How a result crosses HTTP. Plain JSON when it holds no typed arrays; otherwise a small binary
// envelope, so a plane of float pixels or a 100,000-point map travels as raw bytes, not as JSON numbers:
//   uint32 LE  n = length of the JSON part
//   n bytes    JSON {"value": ..., "blobs": [[type, byteOffset, length], ...]} where each typed array in
//              value is replaced by {"$blob": i}
//   padding to a multiple of 8, then the blobs, each starting at a multiple of 8 (offsets from here).
// The renderer's decoder (src-renderer/api/http-wire.ts) reads exactly this.

export const WIRE_CONTENT_TYPE = 'application/x-astromorph-wire';

const TYPES = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint32Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int8Array'] as const;

type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int16Array | Uint16Array | Int8Array;

function typeName(v: ArrayBufferView): (typeof TYPES)[number] | null {
  const name = v.constructor.name === 'Buffer' ? 'Uint8Array' : v.constructor.name;
  return (TYPES as readonly string[]).includes(name) ? (name as (typeof TYPES)[number]) : null;
}

/** Returns the body and its content type. */
export function encodeResult(value: unknown): { body: Uint8Array; contentType: string } {
  const blobs: Typed[] = [];
  const json = JSON.stringify({ value: value === undefined ? null : value }, function (this: Record<string, unknown>, key, after: unknown) {
    // The holder's own value: JSON has already applied toJSON (a Buffer's turns it into {type, data}).
    const v = this[key];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeName(v) !== null) {
      blobs.push(v as Typed);
      return { $blob: blobs.length - 1 };
    }
    return after;
  });
  if (blobs.length === 0) return { body: new TextEncoder().encode(json), contentType: 'application/json' };
  const table: [string, number, number][] = [];
  let offset = 0;
  for (const b of blobs) {
    table.push([typeName(b)!, offset, b.length]);
    offset += Math.ceil(b.byteLength / 8) * 8;
  }
  const head = new TextEncoder().encode(`${json.slice(0, -1)},"blobs":${JSON.stringify(table)}}`);
  const start = Math.ceil((4 + head.length) / 8) * 8;
  const body = new Uint8Array(start + offset);
  new DataView(body.buffer).setUint32(0, head.length, true);
  body.set(head, 4);
  blobs.forEach((b, i) => body.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), start + table[i][1]));
  return { body, contentType: WIRE_CONTENT_TYPE };
}
