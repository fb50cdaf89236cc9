// Grouping a project's items into multi-band objects (astromorph group, add --group-by): preview the
// grouping a rule gives, store it, and give each object an RGB thumbnail (its bands reprojected onto
// the first band's grid: the longest wavelength red, the shortest blue), which the browser, the map
// and figures show in place of the first band's gray one.
import fs from 'node:fs';
import { PNG } from 'pngjs';
import type { Grouping, Thumbnail } from '../../../dataset/index.ts';
import { DatasetError, groupItems, makeThumbnail, parseGroupRule, percentileLimits, stretchValue } from '../../../dataset/index.ts';
import { HduList, ImageHdu } from '../../../fits/index.ts';
import { readBandStack, type BandFile } from '../../../model/data/band-stack.ts';
import { dataFilePath, mayReadDataFile, type Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ProjectSession } from './project-session.ts';
import type { BandCompositeView } from '../../contract/desktop.ts';

export { groupingTable } from '../../../dataset/index.ts';
export type { Grouping } from '../../../dataset/index.ts';
import { bandObjects } from '../training/band-source.ts';

/** A grouping CSV larger than this is not a list of files. */
const MAX_CSV_BYTES = 16 * 2 ** 20;

export interface GroupingReport extends Grouping {
  /** False for a preview (dry run): nothing was stored. */
  applied: boolean;
  /** Objects given an RGB thumbnail, and the ones whose bands could not be combined (the reason names the file). */
  thumbnails: number;
  thumbnailFailures: { object: string; error: string }[];
}

function readCsv(file: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_CSV_BYTES) throw new Error(`${size} bytes: larger than ${MAX_CSV_BYTES} bytes`);
  return fs.readFileSync(file, 'utf8');
}

function groupingFor(project: Project, ruleText: string): Grouping {
  if (ruleText === 'none') return { rule: 'none', bands: [], objects: [], ungrouped: [] };
  try {
    return groupItems(project.items.list({}, () => {}), parseGroupRule(ruleText), project.folder, readCsv);
  } catch (e) {
    if (e instanceof DatasetError) throw new ApiError('bad-argument', e.message);
    throw e;
  }
}

/** The grouping the rule gives, without storing anything. */
export function previewGrouping(session: ProjectSession, ruleText: string): Grouping {
  return groupingFor(session.project, ruleText);
}

/** The grouping stored in the project (null when it has no multi-band objects). */
export function storedGrouping(session: ProjectSession): Grouping | null {
  const project = session.project;
  const grouped = bandObjects(project);
  if (grouped === null) return null;
  const rule = project.settings.get('grouping');
  return {
    rule: typeof rule === 'string' ? rule : '(stored)',
    bands: grouped.bands,
    objects: grouped.objects.map((o) => ({
      object: o.object,
      bands: o.members.map((m) => ({ band: m.band, itemId: m.itemId, hdu: m.hdu, path: project.items.get(m.itemId)?.path ?? `item ${m.itemId}` })),
    })),
    ungrouped: [],
  };
}

/** Stores the grouping the rule gives (replacing any earlier one) and makes the objects' RGB thumbnails. */
export function applyGrouping(session: ProjectSession, ruleText: string, opts: { onProgress?: (done: number, total: number) => void } = {}): GroupingReport {
  session.assertWritable('group items into multi-band objects');
  const project = session.project;
  const grouping = groupingFor(project, ruleText);
  const before = bandObjects(project)?.objects.map((o) => o.members[0]!.itemId) ?? [];
  project.transaction(() => {
    project.bands.replace(grouping.objects.flatMap((o) => o.bands.map((b) => ({ object: o.object, band: b.band, itemId: b.itemId, hdu: b.hdu }))));
    project.settings.set('grouping', grouping.objects.length > 0 ? grouping.rule : undefined);
  });
  // Items that were an object's first band and are no longer: their own gray thumbnail again.
  const leads = new Set(grouping.objects.map((o) => o.bands[0]!.itemId));
  for (const id of before.filter((id) => !leads.has(id))) {
    const item = project.items.get(id);
    if (!item || item.hdu === null || item.axisKinds === null || !mayReadDataFile(project, item)) continue;
    const thumb = grayThumbnail(item.absolutePath, item.hdu, item.axisKinds);
    if (thumb) project.thumbnails.put(id, thumb);
  }
  const failures: GroupingReport['thumbnailFailures'] = [];
  let made = 0;
  grouping.objects.forEach((o, k) => {
    try {
      const files: BandFile[] = o.bands.map((b) => {
        const item = project.items.get(b.itemId)!;
        return { path: dataFilePath(project, item), hdu: b.hdu };
      });
      project.thumbnails.put(o.bands[0]!.itemId, bandComposite(files));
      made++;
    } catch (e) {
      failures.push({ object: o.object, error: (e as Error).message });
    }
    opts.onProgress?.(k + 1, grouping.objects.length);
  });
  return { ...grouping, applied: true, thumbnails: made, thumbnailFailures: failures };
}

/**
 * After a scan: an object whose first band was read again got the scan's gray thumbnail back; it gets
 * its RGB composite again (objects whose thumbnail is still a composite are left as they are).
 * Returns how many were made.
 */
export function refreshBandThumbnails(session: ProjectSession): number {
  const project = session.project;
  const grouped = bandObjects(project);
  if (grouped === null || session.readOnly) return 0;
  let made = 0;
  for (const o of grouped.objects) {
    const lead = o.members[0]!.itemId;
    const stored = project.thumbnails.get(lead);
    if (stored && stored.png[25] === 6) continue; // PNG colour type 6: already a composite
    try {
      const files = o.members.map((m) => ({ path: dataFilePath(project, project.items.get(m.itemId)!), hdu: m.hdu }));
      project.thumbnails.put(lead, bandComposite(files));
      made++;
    } catch {
      // A band that cannot be read now keeps the scan's thumbnail; training reports the object with its reason.
    }
  }
  return made;
}

function grayThumbnail(file: string, hdu: number, kinds: NonNullable<Parameters<typeof makeThumbnail>[1]>): Thumbnail | null {
  let list: HduList | null = null;
  try {
    list = HduList.open(file);
    const h = list.hdu(hdu);
    return h instanceof ImageHdu && h.hasData ? makeThumbnail(h, kinds) : null;
  } catch {
    return null;
  } finally {
    list?.close();
  }
}

/**
 * An RGB composite of the bands (in band order: shortest wavelength first) on the first band's grid,
 * at most `maxSide` pixels a side: red the last band, blue the first, green the middle one (or the
 * mean of the two for two bands); each band percentile-clipped and asinh-stretched on its own.
 * Pixels no band covers are transparent.
 */
/** Which bands a composite of these (in band order) shows as red, green and blue. */
export function compositeChannels(bands: readonly string[]): { red: string; green: string; blue: string } {
  const B = bands.length;
  return { red: bands[B - 1]!, green: B === 2 ? `${bands[0]}+${bands[1]}` : bands[Math.floor((B - 1) / 2)]!, blue: bands[0]! };
}

/** The composite of the object item `id` is a band of (any band), at most maxSide pixels a side; null when it is in none. */
export function objectComposite(session: ProjectSession, id: number, maxSide: number): BandCompositeView | null {
  const project = session.project;
  const grouped = bandObjects(project);
  const o = grouped?.objects.find((x) => x.members.some((m) => m.itemId === id));
  if (!grouped || !o) return null;
  const files = o.members.map((m) => {
    const item = project.items.get(m.itemId);
    if (!item) throw new ApiError('no-data', `band ${m.band} of ${o.object} is no longer an item of the project`);
    return { path: dataFilePath(project, item), hdu: m.hdu };
  });
  const names = o.members.map((m) => m.band);
  const t = bandComposite(files, maxSide);
  return { object: o.object, bands: names, ...compositeChannels(names), width: t.width, height: t.height, png: t.png };
}

export function bandComposite(bands: readonly BandFile[], maxSide = 128): Thumbnail {
  const stack = readBandStack(bands, { method: 'exact', reference: 0, pixelScale: 0, beam: 'native', maxSide });
  const { width, height, planes } = stack;
  const B = planes.length;
  const scaled = planes.map((p) => {
    const { min, max } = percentileLimits(p, 0.5, 99.5);
    const span = max > min ? max - min : 1;
    return p.map((v) => (Number.isFinite(v) ? stretchValue(Math.min(1, Math.max(0, (v - min) / span)), 'asinh') : NaN));
  });
  const pick = (c: 'r' | 'g' | 'b', i: number): number => {
    if (c === 'r') return scaled[B - 1]![i]!;
    if (c === 'b') return scaled[0]![i]!;
    return B === 2 ? (scaled[0]![i]! + scaled[1]![i]!) / 2 : scaled[Math.floor((B - 1) / 2)]![i]!;
  };
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = ((height - 1 - y) * width + x) * 4; // FITS rows run upwards, PNG rows downwards
      const r = pick('r', i), g = pick('g', i), b = pick('b', i);
      const any = Number.isFinite(r) || Number.isFinite(g) || Number.isFinite(b);
      const byte = (v: number) => (Number.isFinite(v) ? Math.round(255 * v) : 0);
      png.data[o] = byte(r); png.data[o + 1] = byte(g); png.data[o + 2] = byte(b); png.data[o + 3] = any ? 255 : 0;
    }
  }
  return { width, height, png: new Uint8Array(PNG.sync.write(png, { colorType: 6 })) };
}
