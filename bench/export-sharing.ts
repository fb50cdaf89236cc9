// Export and sharing speeds: embedding tables (FITS binary table, VOTable, .npy + CSV) for a survey-sized
// run, an embedding-map figure with many points in each format, and relocation hashing throughput.
// Run: node bench/export-sharing.ts [rows] [dim]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyMetadata, hashFile } from '../src-main/dataset/index.ts';
import { buildMapFigure, encodeFigure, writeEmbeddingsFitsTable, writeEmbeddingsNpy, writeEmbeddingsVotable } from '../src-main/export/index.ts';
import type { EmbeddedItem } from '../src-main/export/index.ts';

const rows = Number(process.argv[2] ?? 50_000);
const dim = Number(process.argv[3] ?? 128);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-bench-export-'));
const items: EmbeddedItem[] = Array.from({ length: rows }, (_, i) => ({
  file: `survey/field_${Math.floor(i / 1000)}/disk_${i}.fits`, hdu: 0, shape: [256, 256], bitpix: -32,
  metadata: { ...emptyMetadata(), object: `Disk ${i}`, ra: (i * 0.01) % 360, dec: -30 + (i % 60) },
  vector: Float32Array.from({ length: dim }, (_, k) => Math.sin(i * 0.1 + k)),
}));
const extras = { map: { name: 'umap', x: items.map((_, i) => Math.cos(i) * i), y: items.map((_, i) => Math.sin(i) * i) }, clusters: items.map((_, i) => i % 7), tags: items.map(() => []) };

async function time(label: string, fn: () => unknown, file?: string): Promise<void> {
  const t = performance.now();
  await fn();
  const s = (performance.now() - t) / 1000;
  const size = file ? ` ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB` : '';
  console.log(`${label.padEnd(34)} ${s.toFixed(2).padStart(7)} s${size}`);
}

console.log(`${rows} rows x ${dim} dims (${os.cpus().length} CPUs, Node ${process.version})`);
await time('FITS binary table', () => writeEmbeddingsFitsTable(path.join(dir, 'e.fits'), items, dim, extras), path.join(dir, 'e.fits'));
await time('VOTable (BINARY2)', () => writeEmbeddingsVotable(path.join(dir, 'e.vot'), items, dim, extras), path.join(dir, 'e.vot'));
await time('.npy + metadata CSV', () => writeEmbeddingsNpy(path.join(dir, 'e.npy'), items, dim, extras), path.join(dir, 'e.npy'));
const scene = buildMapFigure({ x: extras.map.x, y: extras.map.y, axisName: 'UMAP', colouring: { kind: 'category', title: 'Cluster', labels: extras.clusters.map(String) } }, 7);
for (const format of ['svg', 'pdf', 'png'] as const) await time(`map figure, ${rows} points, ${format}`, () => encodeFigure(scene, format, 300));
await time('sha256 of the FITS table (relocate)', () => hashFile(path.join(dir, 'e.fits')));
fs.rmSync(dir, { recursive: true, force: true });
