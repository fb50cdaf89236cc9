// Read throughput of the FITS layer beside the raw fs.readSync speed of the same bytes (the ceiling).
// Every figure is warm: each measurement runs once to fill the page cache, then the best of several runs is kept.
// Usage: node bench/fits-read.ts   (corpus from ASTROMORPH_FITS_CORPUS or ../shared/fits-corpus)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HduList } from '../src-main/fits/index.ts';
import { formatCard } from '../src-main/fits/card.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.ASTROMORPH_FITS_CORPUS ?? path.resolve(repoRoot, '../shared/fits-corpus');
const RUNS = 25;

function best(fn: () => unknown): number {
  return compare(fn, () => undefined)[0];
}

/** Best times of two functions, run alternately so that load from other processes hits both alike. */
function compare(a: () => unknown, b: () => unknown): [number, number] {
  a(); // warm-up: page cache and JIT
  b();
  let ta = Infinity;
  let tb = Infinity;
  for (let i = 0; i < RUNS; i++) {
    let t = process.hrtime.bigint();
    a();
    ta = Math.min(ta, Number(process.hrtime.bigint() - t) / 1e9);
    t = process.hrtime.bigint();
    b();
    tb = Math.min(tb, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return [ta, tb];
}

function rawRead(file: string, offset: number, length: number): () => void {
  return () => {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.allocUnsafeSlow(length); // the least work that yields the bytes in fresh memory
    let done = 0;
    while (done < length) done += fs.readSync(fd, buf, done, length - done, offset + done);
    fs.closeSync(fd);
  };
}

function report(label: string, bytes: number, fn: () => unknown, rawFn: () => unknown): void {
  const [ours, raw] = compare(fn, rawFn);
  const mb = bytes / 1e6;
  const ratio = ours / raw;
  console.log(`${label.padEnd(44)} ${(mb / ours).toFixed(0).padStart(6)} MB/s   raw readSync ${(mb / raw).toFixed(0).padStart(6)} MB/s   ${ratio.toFixed(2)}x raw time  ${ratio <= 2 ? 'OK (within 2x)' : 'SLOWER than 2x'}`);
}

console.log(`FITS read benchmark (warm page cache: 1 warm-up, then best of ${RUNS} runs alternating ours/raw), Node ${process.version}, ${os.cpus().length} CPUs`);

const large = path.join(corpus, 'synthetic/large_2048x2048_float32.fits');
if (fs.existsSync(large)) {
  const list = HduList.open(large);
  const hdu = list.primaryImage();
  const bytes = hdu.size * 4;
  const offset = fs.statSync(large).size - Math.ceil(bytes / 2880) * 2880;
  const raw = rawRead(large, offset, bytes);
  report('2048x2048 float32: read() -> Float64Array', bytes, () => HduList.open(large).primaryImage().read(), raw);
  report('2048x2048 float32: readPlane(0) -> Float32', bytes, () => HduList.open(large).primaryImage().readPlane(0), raw);
  report('2048x2048 float32: readRaw()', bytes, () => HduList.open(large).primaryImage().readRaw(), raw);
  // read() returns float64, twice the bytes, in fresh memory: the page faults of a fresh output buffer are its floor.
  const touch = best(() => Buffer.allocUnsafeSlow(bytes * 2).fill(0));
  console.log(`${'  (floor for read(): touch a fresh 32 MB buffer)'.padEnd(44)} ${(bytes / 1e6 / touch).toFixed(0).padStart(6)} MB/s of input`);
  list.close();
} else {
  console.log(`corpus file ${large} not found: skipped`);
}

// A 1 GiB float32 cube with real (non-sparse) data, written here and deleted afterwards.
const [nx, ny, nz] = [1024, 1024, 256];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-bench-'));
const cube = path.join(dir, 'cube.fits');
try {
  const cards = [formatCard('SIMPLE', true), formatCard('BITPIX', -32), formatCard('NAXIS', 3), formatCard('NAXIS1', nx), formatCard('NAXIS2', ny), formatCard('NAXIS3', nz), 'END'.padEnd(80)];
  const header = Buffer.alloc(2880, 0x20);
  header.write(cards.join(''), 'latin1');
  const fd = fs.openSync(cube, 'w');
  fs.writeSync(fd, header);
  const plane = new Float32Array(nx * ny);
  const planeBytes = Buffer.from(plane.buffer);
  for (let z = 0; z < nz; z++) {
    for (let i = 0; i < plane.length; i++) plane[i] = Math.sin(i * 0.001 + z);
    planeBytes.swap32(); // to big-endian on disk
    fs.writeSync(fd, planeBytes);
  }
  const tail = (nx * ny * nz * 4) % 2880;
  if (tail) fs.writeSync(fd, Buffer.alloc(2880 - tail));
  fs.closeSync(fd);
  const bytes = nx * ny * 4;
  const z = 137;
  const list = HduList.open(cube);
  const hdu = list.primaryImage();
  const before = list.bytesRead;
  hdu.readPlane(z);
  if (list.bytesRead - before !== bytes) throw new Error('readPlane read more than one plane');
  const raw = rawRead(cube, 2880 + z * bytes, bytes);
  report(`1 GiB cube ${nx}x${ny}x${nz}: readPlane(${z})`, bytes, () => hdu.readPlane(z), raw);
  report(`1 GiB cube: open + readPlane(${z})`, bytes, () => HduList.open(cube).primaryImage().readPlane(z), raw);
  list.close();

  // Structural pass: a multi-extension file of 200 IMAGE HDUs (512x512 float32, 200 MB) opened, headers only.
  const mef = path.join(dir, 'mef.fits');
  const mfd = fs.openSync(mef, 'w');
  const primary = Buffer.alloc(2880, 0x20);
  primary.write([formatCard('SIMPLE', true), formatCard('BITPIX', 8), formatCard('NAXIS', 0), formatCard('EXTEND', true), 'END'.padEnd(80)].join(''), 'latin1');
  fs.writeSync(mfd, primary);
  const extData = Buffer.alloc(Math.ceil((512 * 512 * 4) / 2880) * 2880, 0x3f);
  for (let i = 0; i < 200; i++) {
    const h = Buffer.alloc(2880, 0x20);
    h.write([formatCard('XTENSION', 'IMAGE'), formatCard('BITPIX', -32), formatCard('NAXIS', 2), formatCard('NAXIS1', 512), formatCard('NAXIS2', 512), formatCard('PCOUNT', 0), formatCard('GCOUNT', 1), formatCard('EXTNAME', `CCD${i}`), 'END'.padEnd(80)].join(''), 'latin1');
    fs.writeSync(mfd, h);
    fs.writeSync(mfd, extData);
  }
  fs.closeSync(mfd);
  const openTime = best(() => HduList.open(mef).close());
  const probe = HduList.open(mef);
  console.log(`${'200-HDU MEF (200 MB): HduList.open'.padEnd(44)} ${(openTime * 1e3).toFixed(2).padStart(6)} ms   ${(201 / openTime).toFixed(0)} HDUs/s, ${probe.bytesRead} bytes read (headers only)`);
  probe.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
