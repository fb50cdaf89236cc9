// A streaming CSV writer: RFC 4180 quoting, '\n' line ends (as Unix tools, pandas and TOPCAT expect).
// Rows go to the file in chunks with back-pressure, so a table of any length needs a chunk of memory.
// The file is written under a temporary name beside the target and renamed at the end: a failed or
// cancelled export never leaves half a table behind.
// Hand-written rather than a library: quoting is ten lines, and float32 columns need their own
// shortest round-trip formatting (formatFloat32), which CSV libraries do not offer.
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
// What Excel, LibreOffice and Google Sheets take as the start of a formula in a text cell.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEUTRALISED = /^'[=+\-@\t\r]/;
const CHUNK_CHARS = 1 << 16;

/**
 * One field: empty for null, quoted (with quotes doubled) when it holds a comma, quote, line break or
 * edge blank. Text that a spreadsheet would run as a formula (= + - @, tab, CR first: a FITS OBJECT
 * card can say anything) gets a leading ' as spreadsheets themselves write it; numbers stay numbers.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The text a cell written by csvField stood for (an import of the app's own export matches its rows). */
export function csvTextOf(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** Doubles at full precision; NaN and infinities as numpy and pandas read them back. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** The shortest decimal that reads back as the same float32 (at most 9 significant digits). */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return formatNumber(v);
  const f = Math.fround(v);
  for (let p = 7; p < 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(Number(f.toPrecision(9)));
}

export class CsvWriter {
  readonly path: string;
  readonly #temp: string;
  readonly #stream: WriteStream;
  #chunk = '';
  #rows = 0;
  #closed = false;

  constructor(path: string, header: readonly string[]) {
    this.path = path;
    this.#temp = `${path}.${process.pid}.partial`;
    this.#stream = createWriteStream(this.#temp, { flags: 'wx' });
    // Errors surface from write()/close(); without a listener an early one would crash the process.
    this.#stream.on('error', () => {});
    this.#chunk = header.map(csvField).join(',') + '\n';
  }

  /** Rows written so far (the header not counted). */
  get rows(): number {
    return this.#rows;
  }

  /** Adds a row of already formatted fields (see csvField); resolves when the buffer may take more. */
  async writeFields(fields: readonly string[]): Promise<void> {
    this.#chunk += fields.join(',') + '\n';
    this.#rows++;
    if (this.#chunk.length >= CHUNK_CHARS) await this.#flush();
  }

  async writeRow(values: readonly CsvValue[]): Promise<void> {
    await this.writeFields(values.map(csvField));
  }

  /** Finishes the file and moves it into place. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#flush();
      this.#stream.end();
      await once(this.#stream, 'close');
      if (this.#stream.errored) throw this.#stream.errored;
      this.#closed = true;
      renameSync(this.#temp, this.path);
    } catch (e) {
      this.abort();
      throw new Error(`cannot write ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Drops the partial file. */
  abort(): void {
    this.#closed = true;
    this.#stream.destroy();
    rmSync(this.#temp, { force: true });
  }

  async #flush(): Promise<void> {
    if (this.#chunk === '') return;
    if (this.#stream.errored) throw this.#stream.errored;
    const ok = this.#stream.write(this.#chunk);
    this.#chunk = '';
    if (!ok) {
      await this.#drainedOrClosed();
      if (this.#stream.errored) throw this.#stream.errored;
    }
  }

  // Both listeners go once either fires: a race of two once() calls would leave one behind per chunk
  // (MaxListenersExceededWarning after ten chunks of a large table).
  #drainedOrClosed(): Promise<void> {
    const stream = this.#stream;
    return new Promise((done) => {
      const settle = () => {
        stream.off('drain', settle);
        stream.off('close', settle);
        done();
      };
      stream.on('drain', settle);
      stream.on('close', settle);
    });
  }
}
