// Seeded mutants of the shared FITS corpus, and a runner that feeds them to every reader in child processes
// (test/support/fits-probe.ts), watching for crashes (anything but a FitsError/DatasetError naming the file),
// hangs (a per-file time limit; the child is killed and restarted after the file) and peak memory (maxRSS of
// each child). Used by test/main/fits/fuzz.test.ts (CI) and bench/fuzz.ts (figures for the note).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ProbeError, ProbeLine, ProbeScan } from './fits-probe.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = path.join(REPO, 'node_modules/.bin/node');
const PROBE = path.join(REPO, 'test/support/fits-probe.ts');

/** mulberry32: a small seeded generator, so a seed names the same mutants on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutant {
  /** File name to write it under (unique, keeps .gz/.fz so the scan's name filter takes it). */
  name: string;
  /** Corpus file it came from. */
  from: string;
  /** What was done to it, for the report. */
  how: string;
  bytes: Uint8Array;
}

/** Seed files: every corpus file up to maxBytes (the 16 MB performance image would only slow the run). */
export function corpusSeeds(corpusDir: string, maxBytes = 1 << 20): string[] {
  const out: string[] = [];
  for (const sub of ['real', 'synthetic', 'bad']) {
    const dir = path.join(corpusDir, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const st = fs.statSync(file);
      if (st.isFile() && st.size <= maxBytes && /\.(fits|fit|fts|fz)(\.gz)?$/i.test(name)) out.push(file);
    }
  }
  return out;
}

/** Cards that change how data is read rather than whether the file parses: edits here reach the decoders. */
const SOFT = /^(BSCALE|BZERO|BLANK|ZBLANK|ZSCALE|ZZERO|ZQUANTIZ|ZDITHER0|ZNAME\d+|ZVAL\d+|ZTILE\d+|ZNAXIS\d+|ZCMPTYPE|ZBITPIX|TFORM\d+|TTYPE\d+|THEAP|PCOUNT|WCSAXES|CTYPE\d+|CDELT\d+|CRPIX\d+|CRVAL\d+|CD\d_\d|PC\d_\d|RESTFRQ|OBJECT|EXTNAME|CONTINUE)$/;
const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|GROUPS|EXTEND|TFIELDS|THEAP|TFORM\d+|TTYPE\d+|ZIMAGE|ZCMPTYPE|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZDITHER0|ZBLANK|ZSCALE|ZZERO|BLANK|BSCALE|BZERO|WCSAXES|CTYPE\d+|CDELT\d+|CRPIX\d+|CD\d_\d|PC\d_\d)$/;
const EVIL_VALUES = [
  '1000000000', '2147483647', '-2147483648', '4294967296', '99999999999999999999', '9007199254740993', '-1', '0', '1', '3',
  '999', '1000', '10.5', '1E300', '-1E300', 'NaN', "'garbage '", "'RICE_1  '", "'HCOMPRESS_1'", "'PLIO_1  '", "'GZIP_2  '",
  "'1PB(99999999)'", "'0PB     '", "'1QB     '", "'999999D '", 'T', 'F', '', '\0\0\0\0', '65536', '-32', '64', '17',
];

/** Values aimed at what each keyword drives: loops, sizes, codec choices. */
const AIMED: Array<[RegExp, string[]]> = [
  [/^Z?NAXIS$/, ['1000000000', '999', '1000', '-1', '0', '99999999999999999999', '3']],
  [/^Z?NAXIS\d+$/, ['0', '-1', '1', '1000000000', '2147483647', '46341', '10.5', '99999999999999999999']],
  [/^Z?BITPIX$/, ['17', '0', '8', '16', '32', '64', '-32', '-64', "'x'"]],
  [/^(PCOUNT|GCOUNT|THEAP)$/, ['0', '-1', '2', '2147483647', '2147483648', '1000000000']],
  [/^TFIELDS$/, ['0', '1000', '999', '-1', '1000000000']],
  [/^TFORM\d+$/, ["'0PB     '", "'1PB(99999999)'", "'2PB     '", "'1QB     '", "'1PI     '", "'1PJ     '", "'999999D '", "'0D      '", "'1E      '", "'X       '", "'1PX     '"]],
  [/^ZTILE\d+$/, ['0', '-1', '1', '1000000000', '2147483647', '3']],
  [/^ZCMPTYPE$/, ["'RICE_1  '", "'GZIP_1  '", "'GZIP_2  '", "'HCOMPRESS_1'", "'PLIO_1  '", "'NOCOMPRESS'", "'BZIP2_1 '", "'RICE_ONE'"]],
  [/^ZVAL\d+$/, ['0', '1', '-1', '65536', '65537', '1000000000', '8', '4']],
  [/^ZNAME\d+$/, ["'BLOCKSIZE'", "'BYTEPIX '", "'SCALE   '", "'SMOOTH  '", "'NOISEBIT'"]],
  [/^ZQUANTIZ$/, ["'NONE    '", "'NO_DITHER'", "'SUBTRACTIVE_DITHER_1'", "'SUBTRACTIVE_DITHER_2'"]],
  [/^(ZDITHER0|BLANK|ZBLANK)$/, ['0', '-1', '10001', '2147483647', '-2147483648', '99999999999999999999']],
  [/^(BSCALE|BZERO|ZSCALE|ZZERO)$/, ['0', '-1', '1E300', '1E-300', 'NaN', "'x'"]],
  [/^WCSAXES$/, ['1000000000', '999', '0', '-1']],
];

function aimedValue(r: () => number, key: string): string {
  const aimed = AIMED.find(([re]) => re.test(key));
  return aimed && r() < 0.8 ? pick(r, aimed[1]) : pick(r, EVIL_VALUES);
}

interface Card { offset: number; key: string }

/** 80-byte records that look like keyword = value cards (header blocks; data rarely looks like this). */
function cards(bytes: Uint8Array): Card[] {
  const out: Card[] = [];
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (let at = 0; at + 80 <= text.length; at += 80) {
    const head = text.slice(at, at + 10);
    if (/^[A-Z0-9_-]{1,8} *= /.test(head)) out.push({ offset: at, key: head.slice(0, 8).trim() });
    else if (head.startsWith('END       ')) out.push({ offset: at, key: 'END' });
  }
  return out;
}

function setCard(bytes: Uint8Array, card: Card, value: string): void {
  const image = `${card.key.padEnd(8)}= ${value.padStart(20)}`.padEnd(80).slice(0, 80);
  bytes.set(Buffer.from(image, 'latin1'), card.offset);
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** One structural mutation of plain FITS bytes (never gzip'd ones). */
function mutateFits(r: () => number, src: Uint8Array): { bytes: Uint8Array; how: string } {
  let bytes = src.slice();
  const all = cards(bytes);
  const structural = all.filter((c) => STRUCTURAL.test(c.key));
  const soft = all.filter((c) => SOFT.test(c.key));
  const aimedAll = all.filter((c) => AIMED.some(([re]) => re.test(c.key)));
  // half of the edits aim at extensions when there are any: the primary header's damage stops a file at
  // once, an extension's must be survived by everything that lists HDUs (inspect, the HDU list, the scan)
  const firstEnd = all.find((c) => c.key === 'END')?.offset ?? Infinity;
  const inExtensions = aimedAll.filter((c) => c.offset > firstEnd);
  const aimed = inExtensions.length > 0 && r() < 0.5 ? inExtensions : aimedAll;
  const kind = r();
  if (kind < 0.45 && all.length > 0) {
    const edits = 1 + Math.floor(r() * 3);
    const done: string[] = [];
    for (let k = 0; k < edits; k++) {
      const which = r();
      const card = aimed.length > 0 && which < 0.6 ? pick(r, aimed) : soft.length > 0 && which < 0.8 ? pick(r, soft)
        : structural.length > 0 && which < 0.9 ? pick(r, structural) : pick(r, all);
      if (card.key === 'END') continue;
      const value = aimedValue(r, card.key);
      setCard(bytes, card, value);
      done.push(`${card.key}=${JSON.stringify(value)}`);
    }
    return { bytes, how: `cards ${done.join(' ')}` };
  }
  if (kind < 0.6) {
    const flips = 1 + Math.floor(r() * 16);
    // a third of the time in the headers, where a flip changes the structure; else in the data after the
    // first header (pixels, table rows, heap descriptors, compressed tiles)
    const inHeader = all.length > 0 && r() < 0.33;
    const dataStart = Math.min(bytes.length - 1, 2880 * Math.ceil(((all.find((c) => c.key === 'END')?.offset ?? 0) + 80) / 2880));
    for (let k = 0; k < flips; k++) {
      const at = inHeader ? pick(r, all).offset + Math.floor(r() * 80) : dataStart + Math.floor(r() * (bytes.length - dataStart));
      bytes[at] ^= 1 << Math.floor(r() * 8);
    }
    return { bytes, how: `${flips} bit flips${inHeader ? ' in headers' : ' in data'}` };
  }
  if (kind < 0.68) {
    const at = Math.floor(r() * bytes.length);
    const n = Math.min(bytes.length - at, 1 + Math.floor(r() * 256));
    const fill = pick(r, [0x00, 0xff, 0x20, -1]);
    for (let i = 0; i < n; i++) bytes[at + i] = fill < 0 ? Math.floor(r() * 256) : fill;
    return { bytes, how: `${n} bytes at ${at} set to ${fill < 0 ? 'noise' : fill}` };
  }
  if (kind < 0.78) {
    // at a block edge, inside a card, or anywhere
    const choice = r();
    const at = choice < 0.3 ? 2880 * Math.floor(r() * Math.ceil(bytes.length / 2880))
      : choice < 0.6 && all.length > 0 ? pick(r, all).offset + Math.floor(r() * 80) : Math.floor(r() * bytes.length);
    return { bytes: bytes.subarray(0, at), how: `truncated at ${at}` };
  }
  if (kind < 0.85 && all.length > 0) {
    const card = pick(r, all);
    const at = card.offset + 10 + Math.floor(r() * 60);
    bytes.fill(0, at, at + 1 + Math.floor(r() * 8));
    return { bytes, how: `NUL bytes in ${card.key}` };
  }
  if (kind < 0.92 && all.some((c) => c.key === 'END')) {
    const end = pick(r, all.filter((c) => c.key === 'END'));
    if (r() < 0.5) {
      bytes.fill(0x20, end.offset, end.offset + 80);
      return { bytes, how: `END at ${end.offset} blanked` };
    }
    // a header block repeated: the data moves by 2880 bytes
    const block = Math.floor(end.offset / 2880) * 2880;
    bytes = new Uint8Array(Buffer.concat([bytes.subarray(0, block + 2880), bytes.subarray(block, block + 2880), bytes.subarray(block + 2880)]));
    return { bytes, how: `header block at ${block} repeated` };
  }
  // a declared size the file does not have: huge axes on the first image-like header
  const axis = structural.filter((c) => /^Z?NAXIS[12]$/.test(c.key));
  if (axis.length > 0) {
    for (const c of axis) setCard(bytes, c, pick(r, ['65536', '1000000000', '2147483647', '46341']));
    return { bytes, how: `axes ${axis.map((c) => c.key).join(',')} made huge` };
  }
  bytes[Math.floor(r() * bytes.length)] ^= 0x40;
  return { bytes, how: 'one bit flip' };
}

let zeroMember: Uint8Array | undefined;
/** gzip of 16 MiB of zeros (16 KB): concatenated gzip members make small files that inflate to a lot. */
function zeros(): Uint8Array {
  zeroMember ??= gzipSync(Buffer.alloc(16 << 20), { level: 9 });
  return zeroMember;
}

/** `count` mutants of the seed files, the same ones for the same seed. */
export function makeMutants(seeds: string[], count: number, seed: number): Mutant[] {
  const r = seeded(seed);
  const sources = seeds.map((file) => {
    const raw = fs.readFileSync(file);
    const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    let plain: Uint8Array | undefined;
    try {
      // plain Uint8Arrays: a Buffer's slice() is a view, and each mutant must start from the pristine file
      plain = new Uint8Array(gz ? gunzipSync(raw) : raw);
    } catch {
      plain = undefined; // a corrupt .gz of the corpus: only its compressed bytes are mutated
    }
    return { file, raw: new Uint8Array(raw), gz, plain };
  });
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const src = pick(r, sources);
    const base = path.basename(src.file).replace(/(\.(fits|fit|fts))?(\.fz)?(\.gz)?$/i, '');
    const ext = /\.fz$/i.test(src.file) ? '.fits.fz' : '.fits';
    const kind = r();
    let bytes: Uint8Array;
    let how: string;
    let gz = src.gz;
    if (kind < 0.06 && src.plain) {
      // a small gzip bomb: the file and then 64 MiB to 256 MiB of zeros that nothing declares
      const members = 4 << Math.floor(r() * 3);
      bytes = new Uint8Array(Buffer.concat([gzipSync(src.plain), ...Array.from({ length: members }, () => zeros())]));
      how = `gzip bomb: ${members * 16} MiB of zeros after the file`;
      gz = true;
    } else if (kind < 0.1 && src.gz) {
      // damage in the deflate stream itself
      bytes = src.raw.slice();
      const flips = 1 + Math.floor(r() * 8);
      for (let k = 0; k < flips; k++) bytes[10 + Math.floor(r() * (bytes.length - 10))] ^= 1 << Math.floor(r() * 8);
      how = `${flips} bit flips in the gzip stream`;
    } else if (kind < 0.13 && src.plain) {
      // a declared bomb: the first header claims 2048 x 2048 float32, and the zeros to fill it exist
      const edited = src.plain.slice();
      const list = cards(edited);
      for (const c of list.filter((k) => /^(NAXIS|NAXIS1|NAXIS2|BITPIX)$/.test(k.key)).slice(0, 4)) {
        setCard(edited, c, c.key === 'NAXIS' ? '2' : c.key === 'BITPIX' ? '-32' : '2048');
      }
      bytes = new Uint8Array(Buffer.concat([gzipSync(edited), zeros()]));
      how = 'gzip with a 2048 x 2048 float32 claim filled by zeros';
      gz = true;
    } else if (src.plain) {
      const m = mutateFits(r, src.plain);
      how = m.how;
      bytes = src.gz ? new Uint8Array(gzipSync(m.bytes)) : m.bytes;
    } else {
      bytes = src.raw.slice();
      bytes[Math.floor(r() * bytes.length)] ^= 1 << Math.floor(r() * 8);
      how = 'bit flip';
    }
    out.push({ name: `${String(i).padStart(4, '0')}-${base}${ext}${gz ? '.gz' : ''}`, from: path.relative(path.dirname(path.dirname(src.file)), src.file), how, bytes });
  }
  return out;
}

export interface FuzzCrash {
  file: string;
  how: string;
  reader: string;
  error: ProbeError | { name: string; message: string; code?: undefined };
}

export interface FuzzReport {
  mutants: number;
  crashes: FuzzCrash[];
  hangs: Array<{ file: string; how: string }>;
  /** slowest file through reader + inspect + scan inspection */
  maxMs: number;
  maxMsFile: string;
  /** files that ended in a FitsError/DatasetError somewhere (the rest were read whole) */
  refused: number;
  peakRssMb: number;
  peakRssFile: string;
  scan: { items: number; failed: number; problems: string[]; peakRssMb: number };
  seconds: number;
}

/** FitsError/DatasetError naming the file: the one acceptable way for a reader to refuse a file. */
export function acceptable(error: ProbeError, file: string): boolean {
  return (error.name === 'FitsError' || error.name === 'DatasetError') && error.message.includes(file);
}

interface RunOptions {
  /** a file taking longer than this is a hang: the child is killed and restarted after it */
  perFileTimeoutMs: number;
  /** scan workers for the final scan into a real project */
  workers: number;
  onProgress?: (done: number, total: number) => void;
}

/** Writes the mutants into `dir`/data, feeds them to the probe, scans the folder into `dir`/fuzz.amproj. */
export async function runFuzz(mutants: Mutant[], dir: string, options: RunOptions): Promise<FuzzReport> {
  const started = performance.now();
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  const howOf = new Map<string, string>();
  for (const m of mutants) {
    const file = path.join(data, m.name);
    fs.writeFileSync(file, m.bytes);
    howOf.set(file, `${m.from}: ${m.how}`);
  }
  const report: FuzzReport = {
    mutants: mutants.length, crashes: [], hangs: [], maxMs: 0, maxMsFile: '', refused: 0, peakRssMb: 0, peakRssFile: '',
    scan: { items: 0, failed: 0, problems: [], peakRssMb: 0 }, seconds: 0,
  };
  let pending = mutants.map((m) => path.join(data, m.name));
  let done = 0;
  while (pending.length > 0) {
    const result = await probe(pending, [], options.perFileTimeoutMs, (line) => {
      if (line.phase !== 'done') return;
      done++;
      options.onProgress?.(done, mutants.length);
      if (line.ms! > report.maxMs) {
        report.maxMs = line.ms!;
        report.maxMsFile = line.file;
      }
      if (line.maxRssKb / 1024 > report.peakRssMb) {
        report.peakRssMb = line.maxRssKb / 1024;
        report.peakRssFile = line.file;
      }
      let refused = false;
      for (const o of line.outcomes!) {
        if (o.error === null) continue;
        refused = true;
        if (!acceptable(o.error, line.file)) report.crashes.push({ file: line.file, how: howOf.get(line.file) ?? '', reader: o.reader, error: o.error });
      }
      if (refused) report.refused++;
    });
    const finished = new Set(result.finished);
    const remaining = pending.filter((f) => !finished.has(f));
    if (result.stuck !== undefined) {
      report.hangs.push({ file: result.stuck, how: howOf.get(result.stuck) ?? '' });
      pending = remaining.filter((f) => f !== result.stuck);
    } else if (result.died !== undefined) {
      // the child itself died (a native crash, out of memory) on the file it had begun
      const file = result.current ?? remaining[0]!;
      report.crashes.push({ file, how: howOf.get(file) ?? '', reader: 'process', error: { name: 'ProcessDied', message: result.died } });
      pending = remaining.filter((f) => f !== file);
    } else {
      pending = remaining;
    }
  }

  // The whole folder into a real project, with worker threads, as `astromorph add` does.
  const project = path.join(dir, 'fuzz.amproj');
  const scan = await probe([], ['--scan', data, '--project', project, '--workers', String(options.workers)], options.perFileTimeoutMs * 4, () => {});
  const final = scan.scan;
  if (!final) {
    report.scan.problems.push(`the scan did not finish: ${scan.stuck !== undefined ? 'timed out' : scan.died ?? 'no result'}`);
  } else {
    report.scan.peakRssMb = final.maxRssKb / 1024;
    if (final.scan.error) report.scan.problems.push(`the scan threw ${final.scan.error.name}: ${final.scan.error.message}`);
    const items = final.scan.items ?? [];
    report.scan.items = items.length;
    report.scan.failed = items.filter((i) => i.status === 'failed').length;
    if (items.length !== mutants.length) report.scan.problems.push(`${items.length} items for ${mutants.length} files`);
    for (const item of items) {
      if (item.status === 'failed' && !(item.error ?? '').includes(item.path)) {
        report.scan.problems.push(`${item.path} (${howOf.get(item.path)}): ${item.error}`);
      }
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

interface ProbeRun {
  finished: string[];
  /** the file a child was killed on for taking too long */
  stuck?: string;
  /** why the child ended early, when it did without being killed */
  died?: string;
  current?: string;
  scan?: ProbeScan;
}

function probe(files: string[], extra: string[], timeoutMs: number, onLine: (line: ProbeLine) => void): Promise<ProbeRun> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [PROBE, ...extra, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ProbeRun = { finished: [] };
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (what: string | undefined): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        run.stuck = what ?? '(scan)';
        child.kill('SIGKILL');
      }, timeoutMs);
    };
    arm(undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const line = JSON.parse(text) as ProbeLine | ProbeScan;
        if ('scan' in line) {
          run.scan = line;
          continue;
        }
        if (line.phase === 'begin') {
          run.current = line.file;
          arm(line.file);
        } else {
          run.finished.push(line.file);
          run.current = undefined;
          arm(undefined);
        }
        onLine(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (run.stuck === undefined && (code !== 0 || signal !== null)) {
        run.died = `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      }
      resolve(run);
    });
  });
}

/** The report as the lines the bench and the test print. */
export function describeReport(r: FuzzReport): string[] {
  const lines = [
    `mutants ${r.mutants}, crashes ${r.crashes.length}, hangs ${r.hangs.length}, refused with a FitsError ${r.refused}, read whole ${r.mutants - r.refused}`,
    `max time per file ${r.maxMs.toFixed(0)} ms (${path.basename(r.maxMsFile)}), peak RSS ${r.peakRssMb.toFixed(0)} MB (${path.basename(r.peakRssFile)})`,
    `scan into a real project: ${r.scan.items} items, ${r.scan.failed} failed, peak RSS ${r.scan.peakRssMb.toFixed(0)} MB, ${r.scan.problems.length} problems`,
    `total ${r.seconds.toFixed(1)} s`,
  ];
  for (const c of r.crashes.slice(0, 20)) lines.push(`  CRASH ${c.reader} ${path.basename(c.file)} (${c.how}): ${c.error.name}: ${c.error.message.slice(0, 200)}`);
  for (const h of r.hangs) lines.push(`  HANG ${path.basename(h.file)} (${h.how})`);
  for (const p of r.scan.problems.slice(0, 20)) lines.push(`  SCAN ${p.slice(0, 300)}`);
  return lines;
}
