// Encodes a FITS binary table (BINTABLE) after an empty primary HDU: one typed column per field,
// big-endian rows, header and data padded to 2880 bytes. Vector columns (e.g. an embedding) are one
// field with a repeat count ('128E'), which astropy reads as a 2-D column and TOPCAT as an array.
import { formatCard, formatLongString } from './card.ts';
import { headerBlock } from './header-block.ts';

export type TableColumn =
  /** repeat > 1: values holds rows × repeat numbers, row-major. NaN is the null. */
  | { name: string; type: 'float32' | 'float64'; values: ArrayLike<number>; repeat?: number; unit?: string; description?: string }
  /** null is written as TNULL (-2^31). */
  | { name: string; type: 'int32'; values: ArrayLike<number | null>; unit?: string; description?: string }
  /** ASCII text; other characters become '?'. null and '' are both empty. */
  | { name: string; type: 'text'; values: ArrayLike<string | null>; width?: number; unit?: string; description?: string };

export interface BinaryTableOptions {
  extname?: string;
  /** Extra cards for the table header (after the column cards). */
  cards?: Record<string, string | number | boolean>;
}

const INT32_NULL = -2147483648;

interface Field {
  column: TableColumn;
  tform: string;
  bytes: number;
  repeat: number;
}

/** Number of rows the columns describe; they must agree. */
export function tableRows(columns: readonly TableColumn[]): number {
  let rows = -1;
  for (const c of columns) {
    const repeat = c.type === 'float32' || c.type === 'float64' ? (c.repeat ?? 1) : 1;
    if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`column ${c.name}: repeat ${repeat} is not a positive integer`);
    if (c.values.length % repeat !== 0) throw new RangeError(`column ${c.name}: ${c.values.length} values is not a multiple of repeat ${repeat}`);
    const n = c.values.length / repeat;
    if (rows >= 0 && n !== rows) throw new RangeError(`column ${c.name} has ${n} rows, the columns before it ${rows}`);
    rows = n;
  }
  return Math.max(0, rows);
}

export function encodeBinaryTable(columns: readonly TableColumn[], opts: BinaryTableOptions = {}): Uint8Array {
  if (columns.length === 0 || columns.length > 999) throw new RangeError(`a FITS table holds 1 to 999 columns, not ${columns.length}`);
  const rows = tableRows(columns);
  const fields = columns.map((c) => fieldOf(c));
  const rowBytes = fields.reduce((a, f) => a + f.bytes, 0);

  const primary = [formatCard('SIMPLE', true, 'conforms to FITS standard'), formatCard('BITPIX', 8), formatCard('NAXIS', 0),
    formatCard('EXTEND', true), 'END'];
  const cards = [
    formatCard('XTENSION', 'BINTABLE', 'binary table extension'),
    formatCard('BITPIX', 8), formatCard('NAXIS', 2),
    formatCard('NAXIS1', rowBytes, 'bytes per row'), formatCard('NAXIS2', rows, 'number of rows'),
    formatCard('PCOUNT', 0), formatCard('GCOUNT', 1), formatCard('TFIELDS', fields.length),
  ];
  fields.forEach((f, i) => {
    const n = i + 1;
    cards.push(...formatLongString(`TTYPE${n}`, asciiOnly(f.column.name)));
    cards.push(formatCard(`TFORM${n}`, f.tform));
    if (f.column.type === 'int32') cards.push(formatCard(`TNULL${n}`, INT32_NULL));
    if (f.column.unit) cards.push(formatCard(`TUNIT${n}`, asciiOnly(f.column.unit)));
  });
  if (opts.extname) cards.push(formatCard('EXTNAME', asciiOnly(opts.extname)));
  for (const [key, value] of Object.entries(opts.cards ?? {})) {
    if (typeof value === 'string') cards.push(...formatLongString(key, asciiOnly(value)));
    else cards.push(formatCard(key, value));
  }
  cards.push('END');

  const head = headerBlock(primary);
  const header = headerBlock(cards);
  const dataBytes = rowBytes * rows;
  const out = new Uint8Array(head.length + header.length + Math.ceil(dataBytes / 2880) * 2880);
  out.set(head, 0);
  out.set(header, head.length);
  const view = new DataView(out.buffer, head.length + header.length, dataBytes);
  let offset = 0;
  for (const f of fields) {
    writeField(view, f, rows, rowBytes, offset);
    offset += f.bytes;
  }
  return out;
}

function fieldOf(c: TableColumn): Field {
  switch (c.type) {
    case 'float32': {
      const repeat = c.repeat ?? 1;
      return { column: c, tform: `${repeat}E`, bytes: 4 * repeat, repeat };
    }
    case 'float64': {
      const repeat = c.repeat ?? 1;
      return { column: c, tform: `${repeat}D`, bytes: 8 * repeat, repeat };
    }
    case 'int32':
      return { column: c, tform: '1J', bytes: 4, repeat: 1 };
    case 'text': {
      let width = c.width ?? 1;
      if (c.width === undefined) for (let i = 0; i < c.values.length; i++) width = Math.max(width, (c.values[i] ?? '').length);
      return { column: c, tform: `${width}A`, bytes: width, repeat: width };
    }
  }
}

function writeField(view: DataView, f: Field, rows: number, rowBytes: number, start: number): void {
  const c = f.column;
  for (let r = 0; r < rows; r++) {
    const at = r * rowBytes + start;
    if (c.type === 'float32') {
      for (let k = 0; k < f.repeat; k++) view.setFloat32(at + 4 * k, c.values[r * f.repeat + k]!, false);
    } else if (c.type === 'float64') {
      for (let k = 0; k < f.repeat; k++) view.setFloat64(at + 8 * k, c.values[r * f.repeat + k]!, false);
    } else if (c.type === 'int32') {
      const v = c.values[r];
      if (v !== null && v !== undefined && (!Number.isInteger(v) || v <= INT32_NULL || v > 2147483647)) {
        throw new RangeError(`column ${c.name}, row ${r}: ${v} is not a 32-bit integer`);
      }
      view.setInt32(at, v ?? INT32_NULL, false);
    } else {
      const s = asciiOnly(String(c.values[r] ?? ''));
      if (s.length > f.repeat) throw new RangeError(`column ${c.name}, row ${r}: text longer than the column width ${f.repeat}`);
      // FITS pads strings with NULs (astropy strips them); spaces would be kept as data by some readers.
      for (let k = 0; k < s.length; k++) view.setUint8(at + k, s.charCodeAt(k));
    }
  }
}

function asciiOnly(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
