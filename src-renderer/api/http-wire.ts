// Reads the HTTP result envelope written by src-main/api/contract/http-wire.ts: a uint32 LE JSON length, the JSON
// {"value", "blobs": [[type, byteOffset, length], ...]} with typed arrays replaced by {"$blob": i}, then
// the blobs, 8-byte aligned. Plain JSON results never come here.

const CONSTRUCTORS = {
  Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Int16Array, Uint16Array, Int8Array,
} as const;

type BlobEntry = [keyof typeof CONSTRUCTORS, number, number];

export function decodeWire(buffer: ArrayBuffer): unknown {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n))) as { value: unknown; blobs: BlobEntry[] };
  const start = Math.ceil((4 + n) / 8) * 8;
  const blobs = head.blobs.map(([type, offset, length]) => {
    const Ctor = CONSTRUCTORS[type];
    if (!Ctor) throw new Error(`unknown blob type ${String(type)}`);
    return new Ctor(buffer, start + offset, length);
  });
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$blob === 'number' && Object.keys(o).length === 1) return blobs[o.$blob];
      for (const k of Object.keys(o)) o[k] = revive(o[k]);
    }
    return v;
  };
  return revive(head.value);
}
