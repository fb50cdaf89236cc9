// The image viewer: which item and plane, its float pixels, and the display choices (limits mode or
// typed limits, stretch, colormap with contrast, bias and invert, overlays). The limits follow the
// pixels and the mode; in a cube they are locked across channels unless the person unlocks them.
import type { ApiClient } from '../../api/client.ts';
import type { BandCompositeView, ImageInfo, ImagePlane } from '../../../src-main/api/contract/index.ts';
import { displayLimits, restoreDisplay } from '../image-display.ts';
import type { Colormap, LimitMode, Limits, LutAdjust, Stretch } from '../image-display.ts';
import type { ContourMode } from '../overlays.ts';

export interface OverlayChoice {
  beam: boolean;
  compass: boolean;
  grid: boolean;
  scalebar: boolean;
  contours: boolean;
}

export class ImageViewer {
  readonly #api: ApiClient;
  #info = $state.raw<ImageInfo | null>(null);
  #plane = $state.raw<ImagePlane | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #request: AbortController | null = null;
  planeIndex = $state(0);
  // The display choices start as the person last left them (image-display.ts restoreDisplay).
  readonly #kept = restoreDisplay(readStorage(DISPLAY_KEY));
  limitMode = $state<LimitMode>(this.#kept.limitMode);
  stretch = $state<Stretch>(this.#kept.stretch);
  colormap = $state<Colormap>(this.#kept.colormap);
  /** A band of a multi-band object: the object's RGB composite (an object URL of its PNG), shown instead of the band while `rgb`. */
  #composite = $state.raw<(Omit<BandCompositeView, 'png'> & { url: string }) | null>(null);
  rgb = $state(this.#kept.rgb);
  /** Limits typed by the person (limit mode 'user'). */
  userLimits = $state.raw<Limits>({ min: 0, max: 1 });
  /** In a cube: keep the limits of the channel they were first computed on for every channel. */
  lockChannels = $state(this.#kept.lockChannels);
  adjust = $state.raw<LutAdjust>(this.#kept.adjust);
  overlays = $state<OverlayChoice>(this.#kept.overlays);
  contourText = $state(this.#kept.contourText);
  contourMode = $state<ContourMode>(this.#kept.contourMode);
  /** Locked limits per item and mode; a plain map: written while deriving, never read reactively on its own. */
  readonly #locked = new Map<string, Limits>();
  readonly limits: Limits = $derived.by(() => {
    const plane = this.#plane;
    const mode = this.limitMode;
    if (mode === 'user') return this.userLimits;
    if (!plane) return { min: 0, max: 1 };
    if (!this.lockChannels || (this.#info?.planes ?? 1) <= 1) return displayLimits(plane.pixels, mode);
    const key = `${plane.id}:${mode}`;
    let limits = this.#locked.get(key);
    if (!limits) {
      limits = displayLimits(plane.pixels, mode);
      this.#locked.set(key, limits);
    }
    return limits;
  });

  /** The latest display choices not yet written, and the timer that writes them. */
  #pending: string | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: ApiClient) {
    this.#api = api;
    // Kept as they change; typed limits are not (restoreDisplay says why), so 'user' is kept as the default mode.
    $effect.root(() => {
      $effect(() => {
        const choices = {
          limitMode: this.limitMode === 'user' ? undefined : this.limitMode, stretch: this.stretch, colormap: this.colormap, adjust: this.adjust,
          lockChannels: this.lockChannels, rgb: this.rgb, overlays: { ...this.overlays }, contourText: this.contourText, contourMode: this.contourMode,
        };
        // A right-drag changes contrast and bias at every mouse move: at most one write per 200 ms, of the
        // latest choices. With a debounce that restarted at each change, the viewer e2e test found the
        // choices made before a reload unwritten.
        this.#pending = JSON.stringify(choices);
        this.#saveTimer ??= setTimeout(() => this.#save(), 200);
      });
    });
    // Leaving the page (reload, close) writes what is still pending.
    if (typeof window !== 'undefined') window.addEventListener('pagehide', () => this.#save());
  }

  #save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    if (this.#pending !== undefined) writeStorage(DISPLAY_KEY, this.#pending);
    this.#pending = undefined;
  }

  get info(): ImageInfo | null { return this.#info; }
  get plane(): ImagePlane | null { return this.#plane; }
  get loading(): boolean { return this.#loading; }
  get error(): string | null { return this.#error; }
  get composite(): (Omit<BandCompositeView, 'png'> & { url: string }) | null { return this.#composite; }

  #setComposite(c: BandCompositeView | null): void {
    if (this.#composite) URL.revokeObjectURL(this.#composite.url);
    if (!c) { this.#composite = null; return; }
    const { png, ...rest } = c;
    this.#composite = { ...rest, url: URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' })) };
  }

  /** Typed limits: the mode becomes 'user'. */
  setLimits(limits: Limits): void {
    this.userLimits = limits;
    this.limitMode = 'user';
  }

  /** Locking takes the limits of the channel shown now. */
  setLock(on: boolean): void {
    this.#locked.clear();
    this.lockChannels = on;
  }

  /** A header card's value, or undefined. */
  card(keyword: string): unknown {
    return this.#info?.header.find((c) => c.keyword === keyword)?.value ?? undefined;
  }

  async open(id: number): Promise<void> {
    if (this.#info?.id === id) return;
    this.#request?.abort();
    const request = (this.#request = new AbortController());
    this.#loading = true;
    this.#error = null;
    try {
      const info = await this.#api.call('imageInfo', { id }, { signal: request.signal });
      this.#locked.clear();
      this.#info = info;
      this.planeIndex = info.planes > 1 ? Math.floor(info.planes / 2) : 0;
      this.#plane = null;
      this.#setComposite(null);
      await this.#loadPlane(request);
      // Not a band of an object (null), or its bands cannot be combined now: the band alone is shown.
      const composite = await this.#api.call('bandComposite', { id }, { signal: request.signal }).catch(() => null);
      if (!request.signal.aborted) this.#setComposite(composite);
    } catch (e) {
      if (!request.signal.aborted) {
        this.#error = (e as Error).message;
        this.#info = null;
        this.#plane = null;
      }
    } finally {
      if (this.#request === request) this.#loading = false;
    }
  }

  async showPlane(index: number): Promise<void> {
    if (!this.#info || index === this.#plane?.plane) return;
    this.planeIndex = index;
    this.#request?.abort();
    const request = (this.#request = new AbortController());
    try {
      await this.#loadPlane(request);
    } catch (e) {
      if (!request.signal.aborted) this.#error = (e as Error).message;
    }
  }

  async #loadPlane(request: AbortController): Promise<void> {
    const info = this.#info!;
    const plane = await this.#api.call('imagePlane', { id: info.id, plane: this.planeIndex, maxSide: 2048 }, { signal: request.signal });
    if (!request.signal.aborted) this.#plane = plane;
  }

  close(): void {
    this.#request?.abort();
    this.#info = null;
    this.#plane = null;
    this.#error = null;
    this.#setComposite(null);
  }
}

const DISPLAY_KEY = 'astromorph.viewer-display';

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // no storage (a locked-down browser): the defaults
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage full or refused: the choices still work, they are only not kept
  }
}
