// The header picks the HDU type (astropy _hdu_class_from_header); a header that fits no type is 'corrupt'.

import type { Header } from './header.ts';
import { VALID_BITPIX } from './structure.ts';

export type HduKind = 'image' | 'tile-compressed' | 'table' | 'random-groups' | 'corrupt';

export function hduKind(header: Header): HduKind {
  const xtension = header.get('XTENSION');
  if (xtension === undefined) {
    const simple = header.get('SIMPLE');
    if (simple !== true && simple !== false) return 'corrupt';
    if (!validStructure(header)) return 'corrupt';
    if (header.get('GROUPS') === true && header.get('NAXIS1') === 0) return 'random-groups';
    return 'image';
  }
  if (typeof xtension !== 'string' || !validStructure(header)) return 'corrupt';
  const type = xtension.trim().toUpperCase();
  if (type === 'IMAGE' || type === 'IUEIMAGE') return 'image';
  if (type === 'BINTABLE' && header.get('ZIMAGE') === true) return compressedValid(header) ? 'tile-compressed' : 'corrupt';
  return 'table';
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function validStructure(header: Header): boolean {
  const bitpix = header.get('BITPIX');
  const naxis = header.get('NAXIS');
  if (typeof bitpix !== 'number' || !VALID_BITPIX.has(bitpix)) return false;
  if (!isCount(naxis) || naxis > 999) return false;
  for (let n = 1; n <= naxis; n++) {
    const v = header.get(`NAXIS${n}`);
    if (!isCount(v) && !(typeof v === 'bigint' && v >= 0n)) return false;
  }
  return true;
}

/** Why a ZIMAGE=T table cannot be read as an image, or undefined when its image keywords are sound. */
export function compressedProblem(header: Header): string | undefined {
  const zbitpix = header.get('ZBITPIX');
  if (typeof zbitpix !== 'number' || !VALID_BITPIX.has(zbitpix)) return `ZBITPIX = ${String(zbitpix)} is not one of 8, 16, 32, 64, -32, -64`;
  const znaxis = header.get('ZNAXIS');
  if (!isCount(znaxis) || znaxis > 999) return `ZNAXIS = ${String(znaxis)} is not an integer from 0 to 999`;
  for (let n = 1; n <= znaxis; n++) {
    const v = header.get(`ZNAXIS${n}`);
    if (!isCount(v)) return `ZNAXIS${n} = ${String(v)} is not a non-negative integer`;
  }
  return undefined;
}

function compressedValid(header: Header): boolean {
  return compressedProblem(header) === undefined;
}
