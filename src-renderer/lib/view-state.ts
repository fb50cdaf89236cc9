// What of the window's state lives in the address (the part after #), so a reload and the Back button
// bring it back: the tab, the item open in the viewer, the selection and the map's zoom.
//   #/map?sel=4,9,12&zoom=31.5,402,288&item=7
import type { ViewTransform } from './map-view.ts';

export const VIEW_NAMES = ['dataset', 'training', 'map', 'anomalies', 'similar'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export interface ViewState {
  view: ViewName;
  item: number | null;
  selection: number[];
  zoom: ViewTransform | null;
}

/** The most ids kept in the address: beyond that a selection is not worth a URL of kilobytes. */
export const MAX_SELECTION_IN_URL = 2000;

export function encodeViewState(s: ViewState): string {
  const q: string[] = [];
  if (s.item !== null) q.push(`item=${s.item}`);
  if (s.selection.length > 0 && s.selection.length <= MAX_SELECTION_IN_URL) q.push(`sel=${s.selection.join(',')}`);
  if (s.zoom) q.push(`zoom=${[s.zoom.scale, s.zoom.tx, s.zoom.ty].map((v) => Number(v.toPrecision(6))).join(',')}`);
  return `#/${s.view}${q.length ? `?${q.join('&')}` : ''}`;
}

const positiveId = (v: string) => (/^\d{1,10}$/.test(v) && Number(v) >= 1 ? Number(v) : null);

/** Reads a hash written by encodeViewState; anything malformed falls back to the default (dataset, nothing). */
export function decodeViewState(hash: string): ViewState {
  const out: ViewState = { view: 'dataset', item: null, selection: [], zoom: null };
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  if (!m) return out;
  if ((VIEW_NAMES as readonly string[]).includes(m[1])) out.view = m[1] as ViewName;
  for (const part of (m[2] ?? '').split('&')) {
    const [key, value = ''] = part.split('=');
    if (key === 'item') out.item = positiveId(value);
    if (key === 'sel') {
      const ids = value.split(',').map(positiveId);
      if (ids.length <= MAX_SELECTION_IN_URL && ids.every((x) => x !== null)) out.selection = ids as number[];
    }
    if (key === 'zoom') {
      const v = value.split(',').map(Number);
      if (v.length === 3 && v.every(Number.isFinite) && v[0] > 0) out.zoom = { scale: v[0], tx: v[1], ty: v[2] };
    }
  }
  return out;
}
