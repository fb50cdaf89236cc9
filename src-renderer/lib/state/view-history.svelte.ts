// State shared by views (the selection: a lasso on the map selects in the grid and back) and the
// window's address: the tab, the open item, the selection and the map's zoom are written after the #,
// so a reload restores them and Back returns to the previous tab (view-state.ts encodes them).
import { untrack } from 'svelte';
import type { AppState } from './app-state.svelte.ts';
import type { ViewTransform } from '../map-view.ts';
import { decodeViewState, encodeViewState } from '../view-state.ts';

/** The selected items, by id, shared by the dataset grid, the map and the anomaly list. */
export class SharedSelection {
  ids = $state.raw<number[]>([]);
  /** Grid index of the anchor for shift-click ranges. */
  anchor = -1;
  readonly set: Set<number> = $derived(new Set(this.ids));
}

/** The map's zoom and pan, shared so the address can keep it. */
export class MapZoom {
  view = $state.raw<ViewTransform | null>(null);
}

export const sharedSelection = (app: AppState) => app.keep('selection', () => new SharedSelection());
export const mapZoom = (app: AppState) => app.keep('map-zoom', () => new MapZoom());

/** Applies the address to the window, then keeps the address in step with it; returns a stop function. */
export function startViewHistory(app: AppState): () => void {
  const selection = sharedSelection(app);
  const zoom = mapZoom(app);
  let applying = false;
  const apply = () => {
    applying = true;
    const s = decodeViewState(location.hash);
    app.show(s.view);
    app.openItem = s.item;
    selection.ids = s.selection;
    zoom.view = s.zoom;
    applying = false;
  };
  if (location.hash) apply();
  let shownView = app.view;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopEffects = $effect.root(() => {
    $effect(() => {
      const hash = encodeViewState({ view: app.view, item: app.openItem, selection: selection.ids, zoom: app.view === 'map' ? zoom.view : null });
      untrack(() => {
        if (applying || hash === location.hash) return;
        clearTimeout(timer);
        if (app.view !== shownView) {
          // A new tab is a step Back can return from.
          shownView = app.view;
          history.pushState(null, '', hash);
        } else {
          // Zoom and selection change at pointer rate: the address follows once they settle.
          timer = setTimeout(() => history.replaceState(null, '', hash), 250);
        }
      });
    });
  });
  const onPop = () => {
    apply();
    shownView = app.view;
  };
  window.addEventListener('popstate', onPop);
  return () => {
    clearTimeout(timer);
    stopEffects();
    window.removeEventListener('popstate', onPop);
  };
}
