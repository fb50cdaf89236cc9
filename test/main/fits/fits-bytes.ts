// Hand-made FITS bytes for tests that need layouts writeImageFits does not produce (extensions, damage, CONTINUE).

import { formatCard } from '../../../src-main/fits/card.ts';
import type { CardValue } from '../../../src-main/fits/card.ts';

/** A header from [keyword, value] pairs or raw 80-column strings, END added, padded to 2880. */
export function headerBytes(cards: Array<[string, CardValue] | string>): Uint8Array {
  const lines = cards.map((c) => (typeof c === 'string' ? c.padEnd(80, ' ') : formatCard(c[0], c[1])));
  lines.push('END'.padEnd(80, ' '));
  const text = lines.join('');
  const out = new Uint8Array(Math.ceil(text.length / 2880) * 2880).fill(0x20);
  out.set(Buffer.from(text, 'latin1'));
  return out;
}

/** Big-endian float32 data padded to 2880. */
export function float32Data(values: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * 4) / 2880) * 2880);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, false));
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function imageExtension(shape: number[], values: number[], extra: Array<[string, CardValue] | string> = []): Uint8Array {
  return concat(
    headerBytes([['XTENSION', 'IMAGE'], ['BITPIX', -32], ['NAXIS', shape.length], ...shape.map((n, i): [string, number] => [`NAXIS${i + 1}`, n]), ['PCOUNT', 0], ['GCOUNT', 1], ...extra]),
    float32Data(values),
  );
}

export const emptyPrimary = (): Uint8Array => headerBytes([['SIMPLE', true], ['BITPIX', 8], ['NAXIS', 0], ['EXTEND', true]]);
