// The little of a FITS binary table that a tile-compressed image needs: where each column sits in a row,
// scalar cells (ZSCALE, ZZERO, ZBLANK) and variable-length array descriptors into the heap.
// Every offset is checked against the data area before it is used.

import { FitsError } from '../errors.ts';

export type HeaderLookup = { get(key: string): string | number | boolean | bigint | undefined };

/** Element types a binary table column may hold, with their width in bytes. */
const ELEMENT_BYTES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16 };

export interface Column {
  readonly name: string;
  /** byte offset of the field inside a row */
  readonly offset: number;
  /** type letter: one of LXBIJKAEDCM, or P/Q for a variable-length array descriptor */
  readonly type: string;
  readonly repeat: number;
  /** for P/Q columns: the element type of the array in the heap */
  readonly elementType?: string;
  /** the TFORMn card that declared it, for messages: "TFORM2 = '1PB(120)'" */
  readonly card: string;
}

/** A variable-length array cell, resolved to absolute positions in the data area. */
export interface HeapSlice {
  readonly start: number;
  readonly byteLength: number;
  readonly count: number;
}

export class BinaryTable {
  readonly rowBytes: number;
  readonly rows: number;
  readonly columns: Column[];
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private readonly heapStart: number;
  /** end of the heap as the header declares it (NAXIS1*NAXIS2 + PCOUNT) */
  private readonly declaredEnd: number;
  private readonly file: string;
  private readonly hdu: number;

  constructor(header: HeaderLookup, data: Uint8Array, file: string, hdu: number) {
    this.file = file;
    this.hdu = hdu;
    this.data = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.rowBytes = headerInteger(header, 'NAXIS1', file, hdu);
    this.rows = headerInteger(header, 'NAXIS2', file, hdu);
    const pcount = optionalInteger(header, 'PCOUNT', file, hdu) ?? 0;
    const tableBytes = this.rowBytes * this.rows;
    const theap = optionalInteger(header, 'THEAP', file, hdu) ?? tableBytes;
    if (theap < tableBytes) this.fail('bad-header', `THEAP = ${theap} lies inside the table (NAXIS1*NAXIS2 = ${tableBytes})`);
    this.heapStart = theap;
    this.declaredEnd = tableBytes + pcount;
    if (data.length < tableBytes) {
      this.fail('truncated', `the binary table holds ${data.length} bytes, its rows need ${tableBytes}`);
    }

    const fields = optionalInteger(header, 'TFIELDS', file, hdu) ?? 0;
    if (fields > 999) this.fail('bad-header', `TFIELDS = ${fields} is more than 999`);
    const columns: Column[] = [];
    let offset = 0;
    for (let n = 1; n <= fields; n++) {
      const form = header.get(`TFORM${n}`);
      if (typeof form !== 'string') this.fail('bad-header', `TFORM${n} is missing`);
      const parsed = /^\s*(\d*)\s*([LXBIJKAEDCMPQ])\s*([LXBIJKAEDCM]?)/i.exec(form);
      if (!parsed) this.fail('bad-header', `TFORM${n} = '${form}' is not a binary table format`);
      const repeat = parsed[1] === '' ? 1 : Number(parsed[1]);
      const type = parsed[2].toUpperCase();
      const name = String(header.get(`TTYPE${n}`) ?? '').trim().toUpperCase();
      let width: number;
      let elementType: string | undefined;
      if (type === 'P' || type === 'Q') {
        elementType = parsed[3].toUpperCase();
        if (elementType === '') this.fail('bad-header', `TFORM${n} = '${form}' names no array element type`);
        width = repeat * (type === 'P' ? 8 : 16);
      } else if (type === 'X') {
        width = Math.ceil(repeat / 8);
      } else {
        width = repeat * ELEMENT_BYTES[type];
      }
      columns.push({ name, offset, type, repeat, elementType, card: `TFORM${n} = '${form.trim()}'` });
      offset += width;
    }
    if (offset > this.rowBytes) {
      this.fail('bad-header', `the TFORMn widths add up to ${offset} bytes, more than NAXIS1 = ${this.rowBytes}`);
    }
    this.columns = columns;
  }

  /** The column with this TTYPE; a column whose TFORM holds no element (repeat 0) is a bad header, since every
   * read of it would fall outside the row. */
  column(name: string): Column | undefined {
    const column = this.columns.find((c) => c.name === name);
    if (column && column.repeat < 1) this.fail('bad-header', `the ${name} column (${column.card}) holds no element`);
    return column;
  }

  /** A numeric scalar cell (first element of the field) as a JS number. */
  scalar(column: Column, row: number): number {
    const at = row * this.rowBytes + column.offset;
    const v = this.view;
    switch (column.type) {
      case 'B': return v.getUint8(at);
      case 'I': return v.getInt16(at);
      case 'J': return v.getInt32(at);
      case 'K': return Number(v.getBigInt64(at));
      case 'E': return v.getFloat32(at);
      case 'D': return v.getFloat64(at);
      default: return this.fail('bad-header', `column ${column.name} has type ${column.type}, not a number`);
    }
  }

  /** The heap bytes a P/Q descriptor cell points to; throws if they fall outside the heap or the data given. */
  heapSlice(column: Column, row: number): HeapSlice {
    const at = row * this.rowBytes + column.offset;
    const v = this.view;
    let count: number;
    let offset: number;
    if (column.type === 'P') {
      count = v.getInt32(at);
      offset = v.getInt32(at + 4);
    } else if (column.type === 'Q') {
      count = Number(v.getBigInt64(at));
      offset = Number(v.getBigInt64(at + 8));
    } else {
      return this.fail('bad-header', `column ${column.name} is not a variable-length array`);
    }
    const elementBytes = ELEMENT_BYTES[column.elementType ?? 'B'] ?? 1;
    const byteLength = count * elementBytes;
    const start = this.heapStart + offset;
    if (count < 0 || offset < 0 || start + byteLength > this.declaredEnd) {
      this.fail('corrupt-data', `tile ${row + 1}: the ${column.name} descriptor (${count} elements at heap offset ${offset}) points outside the heap`);
    }
    if (start + byteLength > this.data.length) {
      this.fail('truncated', `tile ${row + 1}: the ${column.name} bytes end at ${start + byteLength}, but the data area has only ${this.data.length} bytes`);
    }
    return { start, byteLength, count };
  }

  bytes(slice: HeapSlice): Uint8Array {
    return this.data.subarray(slice.start, slice.start + slice.byteLength);
  }

  private fail(code: 'bad-header' | 'corrupt-data' | 'truncated', problem: string): never {
    throw new FitsError(code, this.file, problem, this.hdu);
  }
}

export function elementBytes(type: string): number {
  return ELEMENT_BYTES[type] ?? 0;
}

/** An integer keyword that must be present and non-negative. */
export function headerInteger(header: HeaderLookup, key: string, file: string, hdu: number): number {
  const value = optionalInteger(header, key, file, hdu);
  if (value === undefined) throw new FitsError('bad-header', file, `${key} is missing`, hdu);
  return value;
}

/** An integer keyword, if present; non-negative and exactly representable, else a FitsError. */
export function optionalInteger(header: HeaderLookup, key: string, file: string, hdu: number): number | undefined {
  const raw = header.get(key);
  if (raw === undefined) return undefined;
  const value = typeof raw === 'bigint' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new FitsError('bad-header', file, `${key} = ${String(raw)} is not a non-negative integer`, hdu);
  }
  return value;
}
