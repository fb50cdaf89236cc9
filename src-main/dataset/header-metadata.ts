// The searchable columns and the card selection an item keeps from its chosen HDU's header.
import type { Header } from '../fits/index.ts';
import type { HeaderValue, ItemMetadata } from './item.ts';

type Value = ReturnType<Header['get']>;

const SELECTED = [
  'OBJECT', 'TELESCOP', 'INSTRUME', 'OBSERVER', 'ORIGIN', 'DATE-OBS', 'MJD-OBS', 'EXPTIME', 'FILTER', 'EXTNAME',
  'BUNIT', 'BTYPE', 'EQUINOX', 'RADESYS', 'SPECSYS', 'VELREF', 'RESTFRQ', 'RESTFREQ', 'BMAJ', 'BMIN', 'BPA',
  'RA', 'DEC', 'OBJCTRA', 'OBJCTDEC', 'LONPOLE', 'LATPOLE', 'BAND', 'WAVELEN', 'WAVELNTH',
];
const PER_AXIS = ['NAXIS', 'CTYPE', 'CUNIT', 'CRVAL', 'CRPIX', 'CDELT', 'CROTA'];
const MAX_TEXT = 200;

function text(v: Value): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t.slice(0, MAX_TEXT);
}

function num(v: Value): number | null {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** '12:34:56.7', '12 34 56.7' or '12h34m56.7s' (hours for RA, degrees for Dec); plain numbers are degrees. */
function angle(v: Value, hours: boolean): number | null {
  const n = num(v);
  if (n !== null) return n;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const m = /^([+-]?)(\d+)[\s:hHdD°]+(\d+)[\s:mM']+(\d+(?:\.\d*)?)[\s"sS]*$/.exec(t);
  if (!m) return null;
  const value = Number(m[2]) + Number(m[3]) / 60 + Number(m[4]) / 3600;
  const signed = m[1] === '-' ? -value : value;
  return hours ? signed * 15 : signed;
}

export function readMetadata(header: Header, naxis: number): ItemMetadata {
  let ra: number | null = null;
  let dec: number | null = null;
  // Prefer the reference value of equatorial WCS axes; fall back to pointing keywords.
  for (let i = 1; i <= naxis; i++) {
    const ctype = text(header.get(`CTYPE${i}`))?.toUpperCase() ?? '';
    const base = ctype.split('-')[0];
    if (base === 'RA' && ra === null) ra = num(header.get(`CRVAL${i}`));
    if (base === 'DEC' && dec === null) dec = num(header.get(`CRVAL${i}`));
  }
  if (ra === null || dec === null) {
    const kwRa = angle(header.get('RA'), typeof header.get('RA') === 'string') ?? angle(header.get('OBJCTRA'), true);
    const kwDec = angle(header.get('DEC'), false) ?? angle(header.get('OBJCTDEC'), false);
    if (kwRa !== null && kwDec !== null) {
      ra = kwRa;
      dec = kwDec;
    }
  }
  if (ra !== null && (ra < 0 || ra >= 360)) ra = ((ra % 360) + 360) % 360;
  if (dec !== null && Math.abs(dec) > 90) dec = null;
  if (ra === null || dec === null) {
    ra = null;
    dec = null;
  }
  return {
    object: text(header.get('OBJECT')),
    ra,
    dec,
    restfrq: num(header.get('RESTFRQ')) ?? num(header.get('RESTFREQ')),
    bunit: text(header.get('BUNIT')),
    bmaj: num(header.get('BMAJ')),
    bmin: num(header.get('BMIN')),
    bpa: num(header.get('BPA')),
    telescope: text(header.get('TELESCOP')),
    instrument: text(header.get('INSTRUME')),
  };
}

/** Observation, unit, beam and WCS cards, for display next to the image. */
export function selectedCards(header: Header, naxis: number): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  const put = (key: string): void => {
    const v = header.get(key);
    if (v === undefined) return;
    if (typeof v === 'bigint') out[key] = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    else if (typeof v === 'number') { if (Number.isFinite(v)) out[key] = v; }
    else if (typeof v === 'string') out[key] = v.slice(0, MAX_TEXT);
    else out[key] = v;
  };
  for (const k of SELECTED) put(k);
  const axes = Math.min(naxis, 9);
  for (let i = 1; i <= axes; i++) for (const k of PER_AXIS) put(`${k}${i}`);
  const linear = Math.min(naxis, 4);
  for (let i = 1; i <= linear; i++) {
    for (let j = 1; j <= linear; j++) {
      put(`PC${i}_${j}`);
      put(`CD${i}_${j}`);
    }
  }
  return out;
}
