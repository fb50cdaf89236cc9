// Multi-band objects as model input: when the project has objects grouped from several bands
// (astromorph group), training and embedding see one sample per object, its bands as channels in band
// order, and the object's embedding is stored on the item of its first band. Items in no object, and
// objects that lack a band or whose files cannot be read, are left out with the reason.
import type { DatasetItem } from '../../../dataset/index.ts';
import { bandOrder } from '../../../dataset/index.ts';
import type { BandMember, Project } from '../../../project/index.ts';
import { dataFileOrReason } from '../../../project/index.ts';
import type { PreprocessOptions, SampleSourceSpec } from '../../../model/data/index.ts';
import type { TrainingSettings } from '../../../model/settings.ts';
import { ApiError } from '../../contract/errors.ts';

export interface BandObject {
  object: string;
  /** One per band, in band order. */
  members: BandMember[];
}

/** The project's multi-band objects and the band order (channel order), or null when it has none. */
export function bandObjects(project: Project): { bands: string[]; objects: BandObject[] } | null {
  const members = project.bands.list();
  if (members.length === 0) return null;
  const bands = bandOrder(members.map((m) => m.band));
  const byObject = new Map<string, BandMember[]>();
  for (const m of members) byObject.set(m.object, [...(byObject.get(m.object) ?? []), m]);
  const objects = [...byObject].map(([object, ms]) => ({ object, members: ms.sort((a, b) => bands.indexOf(a.band) - bands.indexOf(b.band)) }));
  return { bands, objects };
}

/** Channels a multi-band project needs (one per band), or undefined for a project without multi-band objects. */
export function bandChannels(project: Project): number | undefined {
  return bandObjects(project)?.bands.length;
}

export interface BandSource {
  spec: Extract<SampleSourceSpec, { kind: 'bands' }>;
  /** The items the objects' embeddings are stored on (each object's first band), aligned with spec.objects. */
  leads: DatasetItem[];
  skipped: { itemId: number | null; path: string; reason: string }[];
  /** What a person is told when the run starts. */
  describe: { names: string[]; grid: string; method: 'exact' | 'interp'; beam: 'native' | 'common' };
}

export function bandSource(project: Project, settings: TrainingSettings, preprocess: PreprocessOptions): BandSource | null {
  const grouped = bandObjects(project);
  if (grouped === null) return null;
  const { bands, objects } = grouped;
  if (preprocess.channels !== bands.length) {
    throw new ApiError('bad-argument', `the project's multi-band objects have ${bands.length} bands (${bands.join(', ')}), `
      + `but the settings ask for ${preprocess.channels} channels: leave channels out, or set it to ${bands.length}`);
  }
  const reference = settings.band_grid === '' ? 0 : bands.indexOf(settings.band_grid);
  if (reference < 0) throw new ApiError('bad-argument', `band_grid = '${settings.band_grid}' is not one of the project's bands (${bands.join(', ')})`);
  const skipped: BandSource['skipped'] = [];
  const inObjects = new Set(objects.flatMap((o) => o.members.map((m) => m.itemId)));
  for (const item of project.items.list({ status: 'ok' }, () => {})) {
    if (!inObjects.has(item.id)) skipped.push({ itemId: item.id, path: item.path, reason: 'not a band of any multi-band object (the project trains on its objects; see astromorph group)' });
  }
  const leads: DatasetItem[] = [];
  const specObjects: { bands: { path: string; hdu: number }[] }[] = [];
  for (const o of objects) {
    const lead = o.members[0]!;
    const missing = bands.filter((b) => !o.members.some((m) => m.band === b));
    const leadItem = project.items.get(lead.itemId);
    const where = leadItem?.path ?? `object ${o.object}`;
    if (missing.length > 0) {
      skipped.push({ itemId: lead.itemId, path: where, reason: `object ${o.object} lacks band${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
      continue;
    }
    const files: { path: string; hdu: number }[] = [];
    let problem: string | null = null;
    for (const m of o.members) {
      const item = project.items.get(m.itemId);
      if (!item || item.status !== 'ok') { problem = `band ${m.band} (${item?.path ?? `item ${m.itemId}`}) is ${item ? item.status : 'gone'}`; break; }
      const file = dataFileOrReason(project, item);
      if (!('path' in file)) { problem = `band ${m.band}: ${file.reason}`; break; }
      files.push({ path: file.path, hdu: m.hdu });
    }
    if (problem !== null || !leadItem) {
      skipped.push({ itemId: lead.itemId, path: where, reason: `object ${o.object}: ${problem ?? 'its first band is gone'}` });
      continue;
    }
    leads.push(leadItem);
    specObjects.push({ bands: files });
  }
  if (specObjects.length === 0) {
    throw new ApiError('no-data', `${project.path} has no complete multi-band object to use (${skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join('; ')})`);
  }
  return {
    spec: {
      kind: 'bands', objects: specObjects, preprocess,
      stack: { method: settings.band_reproject, reference, pixelScale: settings.band_pixel_scale, beam: settings.band_beam },
    },
    leads,
    skipped,
    describe: {
      names: bands, method: settings.band_reproject, beam: settings.band_beam,
      grid: settings.band_pixel_scale > 0 ? `${bands[reference]} field at ${settings.band_pixel_scale}" pixels` : `${bands[reference]} grid`,
    },
  };
}
