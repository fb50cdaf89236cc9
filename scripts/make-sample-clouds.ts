// Writes resources/sample-clouds/: synthetic multi-band molecular clouds (the infrared-dark-cloud case)
// for trying multi-band objects: every cloud in four bands of different resolution and pixel grid.
// Deterministic (fixed seed), like make-sample-data.ts.
// Run: node scripts/make-sample-clouds.ts [OUT]   (OUT defaults to resources/sample-clouds)
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOUD_BANDS, CLOUD_CLASSES, writeCloudDataset } from '../src-main/synthetic/index.ts';

const OUT = process.argv[2] ?? fileURLToPath(new URL('../resources/sample-clouds/', import.meta.url));
const SEED = 20261207;
const PER_CLASS = 3;
const SIZE_LIMIT = 1.5 * 1024 * 1024;

rmSync(OUT, { recursive: true, force: true });
const clouds = writeCloudDataset(OUT, { perClass: PER_CLASS, seed: SEED });
writeFileSync(join(OUT, 'README.md'), `# Sample multi-band clouds

Synthetic molecular clouds, written by \`node scripts/make-sample-clouds.ts\` (seed ${SEED}) with
\`src-main/synthetic/clouds.ts\`: ${clouds.length} clouds, ${PER_CLASS} of each class (${CLOUD_CLASSES.join(', ')}),
each observed in ${CLOUD_BANDS.length} bands with its own pixel grid, pointing, rotation, beam and noise:

| band | pixel | beam | what it shows |
|---|---|---|---|
| 8um | 2" | 2.5" | bright background with the cloud in absorption, foreground stars (Spitzer IRAC-like) |
| 70um | 4" | 6" | warm embedded cores (PACS-like) |
| 250um | 8" | 18" | dust emission along the column (SPIRE-like) |
| 500um | 12" | 36" | dust emission, coarsest (SPIRE-like) |

Files are \`cloudNNN_BAND.fits\` (OBJECT = cloudNNN, FILTER = BAND, TAN WCS, BMAJ/BMIN);
\`labels.csv\` (file,object,band,class) gives each file's class and doubles as a grouping CSV.

Try:

    astromorph init clouds
    astromorph add clouds resources/sample-clouds
    astromorph group clouds --by stem --dry-run      # or --by object, or --by csv:resources/sample-clouds/labels.csv
    astromorph group clouds --by stem
    astromorph train clouds --epochs 5 && astromorph embed clouds
`);

let total = 0;
for (const name of readdirSync(OUT)) total += statSync(join(OUT, name)).size;
console.log(`wrote ${clouds.length * CLOUD_BANDS.length} FITS files (${clouds.length} clouds) to ${relative(process.cwd(), OUT) || '.'} (${(total / 1024).toFixed(0)} KiB)`);
if (total > SIZE_LIMIT) {
  console.error(`sample clouds are ${total} bytes, over the ${SIZE_LIMIT}-byte budget`);
  process.exit(1);
}
