// Bridge to the tile decompression codec (./tile-compression/, written separately). Loaded on first use so the
// rest of the FITS layer works while the codec is absent; a compressed HDU then fails with 'unsupported'.

import { createRequire } from 'node:module';
import { FitsError } from './errors.ts';
import type { RawArray } from './endian.ts';

export interface DecompressedImage {
  values: RawArray;
  blank?: number | bigint;
}

type Decompress = (
  header: { get(key: string): string | number | boolean | bigint | undefined },
  data: Uint8Array,
  file: string,
  hdu: number,
) => DecompressedImage;

let codec: Decompress | undefined;

export function decompressImage(...args: Parameters<Decompress>): DecompressedImage {
  if (!codec) {
    try {
      const require = createRequire(import.meta.url);
      codec = (require('./tile-compression/index.ts') as { decompressImage: Decompress }).decompressImage;
    } catch (e) {
      throw new FitsError('unsupported', args[2], `tile-compressed images cannot be read yet (codec missing: ${(e as Error).message.split('\n')[0]})`, args[3]);
    }
  }
  return codec(...args);
}
