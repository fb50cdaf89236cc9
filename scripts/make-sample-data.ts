// Writes resources/sample-data/: the small labelled set `npm run demo` and first-time users start
// from. Deterministic (fixed seeds), so re-running it reproduces the committed files byte for byte
// as long as the synthetic generator (src-main/synthetic/) is unchanged.
// Run: node scripts/make-sample-data.ts [OUT]   (OUT defaults to resources/sample-data)
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSyntheticItem, writeSyntheticDataset, writeSyntheticImage, DISK_CLASSES } from '../src-main/synthetic/index.ts';
import type { DiskClass, SyntheticFormat } from '../src-main/synthetic/index.ts';

const OUT = process.argv[2] ?? fileURLToPath(new URL('../resources/sample-data/', import.meta.url));
const SEED = 20261124;
const PER_CLASS = 10;
const SIZE_LIMIT = 2 * 1024 * 1024;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 1. The labelled morphology set: every class equally often, random orientation, beam and noise,
//    at most 64x64 pixels, float32.
const disks = writeSyntheticDataset(join(OUT, 'disks'), {
  n: PER_CLASS * DISK_CLASSES.length,
  seed: SEED,
  ranges: { sizeRange: [64, 64] },
});

// 2. The other forms real archives use, one file each, so a first scan meets them all.
interface Extra {
  file: string;
  className: DiskClass;
  format: SyntheticFormat;
  channels: number;
  size: number;
  what: string;
}
const EXTRAS: Extra[] = [
  { file: 'cube/spiral_co21_cube.fits', className: 'spiral', format: 'float32', channels: 16, size: 48, what: 'spectral line cube (CO 2-1, 16 channels, Keplerian rotation), float32' },
  { file: 'alma/ring_continuum_4d.fits', className: 'ring', format: '4d-alma', channels: 0, size: 64, what: 'ALMA-style 4-D continuum image [x, y, freq=1, stokes=1], float32' },
  { file: 'formats/binary_int16_bscale.fits', className: 'binary', format: 'int16-bscale', channels: 0, size: 64, what: 'BITPIX 16 with BSCALE/BZERO and BLANK' },
  { file: 'formats/smooth_gzip.fits.gz', className: 'smooth', format: 'gz', channels: 0, size: 64, what: 'gzip-compressed float32 image' },
];
EXTRAS.forEach((extra, i) => {
  const image = renderSyntheticItem(SEED + 1000 + i, 0, {
    classes: [extra.className],
    channels: extra.channels,
    ranges: { sizeRange: [extra.size, extra.size] },
  });
  mkdirSync(join(OUT, extra.file, '..'), { recursive: true });
  writeSyntheticImage(join(OUT, extra.file), image, extra.format);
});

const counts = new Map<string, number>();
for (const item of disks.items) counts.set(item.className, (counts.get(item.className) ?? 0) + 1);
writeFileSync(
  join(OUT, 'README.md'),
  `# Sample data

Synthetic protoplanetary-disk images, written by \`node scripts/make-sample-data.ts\` (seed ${SEED}) with the
generator in \`src-main/synthetic/\`: a sky model per morphology class, random inclination and position
angle, convolved with a random elliptical beam, plus beam-correlated noise. Values are Jy/beam.

- \`disks/\`: ${disks.items.length} labelled float32 images, at most 64x64 pixels, ${counts.size} classes
  (${[...counts].map(([c, n]) => `${c}: ${n}`).join(', ')}). \`disks/labels.csv\` gives each file's class
  and the object and observation parameters (beam, SNR, radius, inclination, position angle, flux).
${EXTRAS.map((e) => `- \`${e.file}\`: ${e.className}; ${e.what}.`).join('\n')}

Try: \`astromorph inspect resources/sample-data/${EXTRAS[0]!.file}\` or \`npm run demo\`.
`,
);

let total = 0;
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else total += statSync(path).size;
  }
};
walk(OUT);
console.log(`wrote ${disks.items.length + EXTRAS.length} FITS files to ${relative(process.cwd(), OUT) || '.'} (${(total / 1024).toFixed(0)} KiB)`);
if (total > SIZE_LIMIT) {
  console.error(`sample data is ${total} bytes, over the ${SIZE_LIMIT}-byte budget`);
  process.exit(1);
}
