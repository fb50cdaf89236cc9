// A project file may come from someone else: every value read back is checked before it is used,
// and a bad one becomes a ProjectError naming the file, the table and the row instead of a crash later.
import { ProjectError } from './errors.ts';

export class RowReader {
  readonly file: string;
  readonly table: string;
  readonly rowId: unknown;

  constructor(file: string, table: string, rowId: unknown) {
    this.file = file;
    this.table = table;
    this.rowId = rowId;
  }

  fail(column: string, problem: string): never {
    throw new ProjectError('invalid-data', this.file,
      `table ${this.table}, row ${String(this.rowId)}, column ${column}: ${problem}`);
  }

  text(column: string, v: unknown, maxLength = 1 << 20): string {
    if (typeof v !== 'string') this.fail(column, `expected text, found ${describe(v)}`);
    if (v.length > maxLength) this.fail(column, `text longer than ${maxLength} characters`);
    if (v.includes('\0')) this.fail(column, 'text contains a NUL character');
    return v;
  }

  textOrNull(column: string, v: unknown, maxLength?: number): string | null {
    return v === null ? null : this.text(column, v, maxLength);
  }

  /** A relative, '/'-separated path: never absolute, never NUL. */
  relativePath(column: string, v: unknown): string {
    const p = this.text(column, v, 4096);
    if (p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p)) this.fail(column, `path ${JSON.stringify(p)} is not relative`);
    return p;
  }

  integer(column: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.fail(column, `expected an integer in [${min}, ${max}], found ${describe(v)}`);
    }
    return n;
  }

  integerOrNull(column: string, v: unknown, min?: number, max?: number): number | null {
    return v === null ? null : this.integer(column, v, min, max);
  }

  finite(column: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(column, `expected a finite number, found ${describe(v)}`);
    return v;
  }

  finiteOrNull(column: string, v: unknown): number | null {
    return v === null ? null : this.finite(column, v);
  }

  oneOf<T extends string>(column: string, v: unknown, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(column, `expected one of ${allowed.join(', ')}, found ${describe(v)}`);
    }
    return v as T;
  }

  json(column: string, v: unknown): unknown {
    const s = this.text(column, v, 64 << 20);
    try {
      return JSON.parse(s);
    } catch {
      this.fail(column, 'not valid JSON');
    }
  }

  jsonObject(column: string, v: unknown): Record<string, unknown> {
    const o = this.json(column, v);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) this.fail(column, 'expected a JSON object');
    return o as Record<string, unknown>;
  }

  blob(column: string, v: unknown, maxBytes = 2 ** 31): Uint8Array {
    if (!(v instanceof Uint8Array)) this.fail(column, `expected a BLOB, found ${describe(v)}`);
    if (v.byteLength > maxBytes) this.fail(column, `BLOB larger than ${maxBytes} bytes`);
    return v;
  }

  blobOrNull(column: string, v: unknown, maxBytes?: number): Uint8Array | null {
    return v === null ? null : this.blob(column, v, maxBytes);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `a ${v.byteLength}-byte BLOB`;
  if (typeof v === 'string') return v.length > 40 ? `text ${JSON.stringify(v.slice(0, 40))}…` : `text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}
