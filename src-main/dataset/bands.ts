// Grouping items into multi-band objects (the same cloud seen at 8, 70, 250 µm …) by a rule the user
// gives: the OBJECT card (band from FILTER, WAVELEN or WAVELNTH), the file name's stem with a band
// suffix ('G28.3_8um.fits'), or a CSV of file, object, band [, hdu]. Pure: it reads the items the scan
// recorded (and the CSV text), never the images, so the grouping can be shown before anything changes.
import path from 'node:path';
import type { DatasetItem } from './item.ts';
import { DatasetError } from './errors.ts';
import { visibleText } from './visible-text.ts';

export type GroupRule = { by: 'object' } | { by: 'stem' } | { by: 'csv'; file: string };

export interface GroupedBand {
  band: string;
  itemId: number;
  hdu: number;
  /** Relative to the project folder, as items are. */
  path: string;
}

export interface ObjectGroup {
  object: string;
  /** In band order (see bandOrder); bands the object lacks are absent. */
  bands: GroupedBand[];
}

export interface Grouping {
  rule: string;
  /** Every band met, in order: by wavelength when every name gives one, else by name. */
  bands: string[];
  objects: ObjectGroup[];
  /** Items (or CSV rows) that are in no multi-band object, and why. */
  ungrouped: { path: string; reason: string }[];
}

export function parseGroupRule(text: string): GroupRule {
  if (text === 'object' || text === 'stem') return { by: text };
  if (text.startsWith('csv:') && text.length > 4) return { by: 'csv', file: path.resolve(text.slice(4)) };
  throw new DatasetError(text, "unknown grouping rule: use 'object' (the OBJECT card), 'stem' (NAME_BAND.fits) or 'csv:FILE' (rows file,object,band[,hdu])");
}

export function describeRule(rule: GroupRule): string {
  return rule.by === 'csv' ? `csv:${rule.file}` : rule.by;
}

const UNITS: Record<string, number> = { nm: 1e-3, um: 1, 'µm': 1, mu: 1, micron: 1, microns: 1, mm: 1e3, cm: 1e4, m: 1e6 };

/** Wavelength in µm a band name gives ('8um', '250 µm', '1.1mm', '70micron', 'PACS160'? no: a unit is needed), or null. */
export function bandWavelength(band: string): number | null {
  const m = /(\d+(?:\.\d+)?)\s*(nm|um|µm|mu|microns?|mm|cm|m)\b/i.exec(band.replace('μ', 'µ'));
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()] ?? UNITS[m[2]!];
  return unit === undefined ? null : Number(m[1]) * unit;
}

/** Bands by wavelength when every one names it, else by name (numbers inside names compared as numbers). */
export function bandOrder(bands: Iterable<string>): string[] {
  const all = [...new Set(bands)];
  const w = all.map(bandWavelength);
  if (w.every((x) => x !== null)) return all.map((b, i) => ({ b, w: w[i]! })).sort((a, b) => a.w - b.w || (a.b < b.b ? -1 : 1)).map((x) => x.b);
  return all.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const FITS_SUFFIX = /\.(fits?|fts)(\.gz|\.fz)?$|\.fz$/i;

/** 'G28.3_8um.fits' -> ['G28.3', '8um']: the stem split at its last '_' or '-', or null without one. */
export function stemAndBand(file: string): [string, string] | null {
  const stem = path.posix.basename(file.replaceAll('\\', '/')).replace(FITS_SUFFIX, '');
  const m = /^(.+)[_-]([^_-]+)$/.exec(stem);
  return m ? [m[1]!, m[2]!] : null;
}

function bandFromHeader(item: DatasetItem): string | null {
  for (const key of ['FILTER', 'BAND', 'WAVELEN', 'WAVELNTH']) {
    const v = item.header[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return `${v}um`;
  }
  return null;
}

/** A small CSV reader: commas, double-quoted fields with "" escapes, blank lines and '#' comments skipped. */
function csvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const cells: string[] = [];
    let cell = '', quoted = false;
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]!;
      if (quoted) {
        if (ch === '"' && raw[k + 1] === '"') { cell += '"'; k++; } else if (ch === '"') quoted = false; else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { cells.push(cell.trim()); cell = ''; } else cell += ch;
    }
    cells.push(cell.trim());
    rows.push({ line: i + 1, cells });
  });
  return rows;
}

interface Candidate { object: string; band: string; item: DatasetItem; hdu: number }

/**
 * Groups the items by the rule. `projectFolder` resolves item paths; `readCsv` reads the CSV (given so
 * callers and tests control the file system). Items that are not readable, lack an object or band,
 * clash with another file for the same band, or are the only band of their object stay ungrouped, each
 * with its reason.
 */
export function groupItems(items: readonly DatasetItem[], rule: GroupRule, projectFolder: string,
  readCsv: (file: string) => string = () => { throw new Error('no CSV reader'); }): Grouping {
  const ungrouped: Grouping['ungrouped'] = [];
  const candidates: Candidate[] = [];
  const usable = (item: DatasetItem): boolean => {
    if (item.status !== 'ok' || item.hdu === null) {
      ungrouped.push({ path: item.path, reason: item.status === 'ok' ? 'no image HDU' : `status ${item.status}` });
      return false;
    }
    return true;
  };
  if (rule.by === 'csv') {
    let text: string;
    try {
      text = readCsv(rule.file);
    } catch (e) {
      throw new DatasetError(rule.file, `cannot read the grouping CSV: ${(e as Error).message}`);
    }
    const byPath = new Map(items.map((i) => [path.resolve(projectFolder, i.path), i]));
    const rows = csvRows(text);
    // A header row names the columns (others, such as a class label, are ignored); without one they are file,object,band[,hdu].
    const first = rows[0]?.cells.map((c) => c.toLowerCase()) ?? [];
    const named = ['file', 'object', 'band'].every((c) => first.includes(c));
    const column = named ? { file: first.indexOf('file'), object: first.indexOf('object'), band: first.indexOf('band'), hdu: first.indexOf('hdu') }
      : { file: 0, object: 1, band: 2, hdu: 3 };
    for (const { line, cells } of rows.slice(named ? 1 : 0)) {
      const pick = (k: number) => (k >= 0 ? cells[k] : undefined);
      if ((!named && (cells.length < 3 || cells.length > 4)) || [column.file, column.object, column.band].some((k) => !pick(k))) {
        throw new DatasetError(rule.file, `line ${line}: expected file,object,band[,hdu], got ${JSON.stringify(visibleText(cells.join(','), 200))}`);
      }
      const file = pick(column.file)!, object = pick(column.object)!, band = pick(column.band)!, hduText = pick(column.hdu);
      const abs = path.resolve(path.dirname(rule.file), file);
      const item = byPath.get(abs);
      if (!item) {
        ungrouped.push({ path: abs, reason: `${path.basename(rule.file)} line ${line}: not an item of the project (add its folder first)` });
        continue;
      }
      if (!usable(item)) continue;
      let hdu = item.hdu!;
      if (hduText !== undefined && hduText !== '') {
        if (!/^\d+$/.test(hduText)) throw new DatasetError(rule.file, `line ${line}: hdu must be a non-negative integer, got ${JSON.stringify(hduText)}`);
        hdu = Number(hduText);
      }
      candidates.push({ object, band, item, hdu });
    }
  } else {
    for (const item of items) {
      if (!usable(item)) continue;
      if (rule.by === 'object') {
        const object = item.metadata.object;
        const band = bandFromHeader(item) ?? stemAndBand(item.path)?.[1] ?? null;
        if (object === null) { ungrouped.push({ path: item.path, reason: 'no OBJECT card' }); continue; }
        if (band === null) { ungrouped.push({ path: item.path, reason: 'no FILTER, BAND, WAVELEN or WAVELNTH card, and no band suffix in the name' }); continue; }
        candidates.push({ object, band, item, hdu: item.hdu! });
      } else {
        const split = stemAndBand(item.path);
        if (!split) { ungrouped.push({ path: item.path, reason: "no band suffix in the name (NAME_BAND.fits or NAME-BAND.fits)" }); continue; }
        candidates.push({ object: split[0], band: split[1], item, hdu: item.hdu! });
      }
    }
    if (rule.by === 'stem') {
      // Objects are told apart by folder too (two folders may each hold a 'cloud_8um.fits'): a stem found in
      // several folders is named with its folder, one found in a single folder by the stem alone.
      const folders = new Map<string, Set<string>>();
      for (const c of candidates) folders.set(c.object, (folders.get(c.object) ?? new Set()).add(path.posix.dirname(c.item.path)));
      for (const c of candidates) {
        if (folders.get(c.object)!.size > 1) c.object = `${path.posix.dirname(c.item.path)}/${c.object}`;
      }
    }
  }
  const byObject = new Map<string, Candidate[]>();
  for (const c of candidates) byObject.set(c.object, [...(byObject.get(c.object) ?? []), c]);
  const objects: ObjectGroup[] = [];
  const bandsMet = new Set<string>();
  for (const [object, members] of [...byObject].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const byBand = new Map<string, Candidate[]>();
    for (const m of members) byBand.set(m.band, [...(byBand.get(m.band) ?? []), m]);
    const kept: Candidate[] = [];
    for (const [band, same] of byBand) {
      if (same.length > 1) {
        for (const s of same) ungrouped.push({ path: s.item.path, reason: `${same.length} files are band ${band} of object ${object}: ${same.map((x) => path.posix.basename(x.item.path)).join(', ')}` });
      } else kept.push(same[0]!);
    }
    if (kept.length < 2) {
      for (const k of kept) ungrouped.push({ path: k.item.path, reason: `the only band (${k.band}) of object ${object}` });
      continue;
    }
    for (const k of kept) bandsMet.add(k.band);
    objects.push({ object, bands: kept.map((k) => ({ band: k.band, itemId: k.item.id, hdu: k.hdu, path: k.item.path })) });
  }
  const bands = bandOrder(bandsMet);
  for (const o of objects) o.bands.sort((a, b) => bands.indexOf(a.band) - bands.indexOf(b.band));
  return { rule: describeRule(rule), bands, objects, ungrouped };
}

/** The grouping as a table: one row per object, one column per band (file names), then what stayed out. */
export function groupingTable(g: Grouping): string {
  if (g.objects.length === 0) {
    const lines = [`no multi-band objects found by ${g.rule}`];
    for (const u of g.ungrouped.slice(0, 20)) lines.push(`  ${u.path}: ${u.reason}`);
    if (g.ungrouped.length > 20) lines.push(`  … and ${g.ungrouped.length - 20} more`);
    return lines.join('\n');
  }
  const head = ['object', ...g.bands];
  const rows = g.objects.map((o) => [o.object, ...g.bands.map((b) => {
    const m = o.bands.find((x) => x.band === b);
    return m ? `${path.posix.basename(m.path)}${m.hdu !== 0 ? `[${m.hdu}]` : ''}` : '-';
  })]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const complete = g.objects.filter((o) => o.bands.length === g.bands.length).length;
  const lines = [
    `${g.objects.length} multi-band object${g.objects.length === 1 ? '' : 's'} by ${g.rule}, bands ${g.bands.join(', ')} `
      + `(${complete} with every band; channel order as listed)`,
    fmt(head), ...rows.map(fmt),
  ];
  if (g.ungrouped.length > 0) {
    lines.push(`not in a multi-band object (${g.ungrouped.length}):`);
    for (const u of g.ungrouped.slice(0, 50)) lines.push(`  ${u.path}: ${u.reason}`);
    if (g.ungrouped.length > 50) lines.push(`  … and ${g.ungrouped.length - 50} more`);
  }
  return lines.join('\n');
}
