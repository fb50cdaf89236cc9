// The image viewer: which item and plane, its float pixels, and the display choices (limits mode,
// stretch, colormap). The limits follow the pixels and the mode; the canvas re-renders from them.
import type { ApiClient } from '../../api/client.ts';
import type { BandCompositeView, ImageInfo, ImagePlane } from '../../../src-main/api/contract/index.ts';
import { displayLimits } from '../image-display.ts';
import type { Colormap, LimitMode, Limits, Stretch } from '../image-display.ts';

export class ImageViewer {
  readonly #api: ApiClient;
  #info = $state.raw<ImageInfo | null>(null);
  #plane = $state.raw<ImagePlane | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #request: AbortController | null = null;
  planeIndex = $state(0);
  limitMode = $state<LimitMode>('99.5');
  stretch = $state<Stretch>('asinh');
  colormap = $state<Colormap>('gray');
  /** A band of a multi-band object: the object's RGB composite (an object URL of its PNG), shown instead of the band while `rgb`. */
  #composite = $state.raw<(Omit<BandCompositeView, 'png'> & { url: string }) | null>(null);
  rgb = $state(true);
  readonly limits: Limits = $derived.by(() => (this.#plane ? displayLimits(this.#plane.pixels, this.limitMode) : { min: 0, max: 1 }));

  constructor(api: ApiClient) {
    this.#api = api;
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

  async open(id: number): Promise<void> {
    if (this.#info?.id === id) return;
    this.#request?.abort();
    const request = (this.#request = new AbortController());
    this.#loading = true;
    this.#error = null;
    try {
      const info = await this.#api.call('imageInfo', { id }, { signal: request.signal });
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
