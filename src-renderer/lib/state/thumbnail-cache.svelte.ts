// Thumbnails by item id as blob URLs, fetched lazily: requests made while rendering are collected and
// sent as one batch per frame; the oldest URLs are revoked past a limit so memory stays bounded while
// scrolling through 100,000 items.
import type { ApiClient } from '../../api/client.ts';

const BATCH = 200;
const KEEP = 3000;

export class ThumbnailCache {
  readonly #api: ApiClient;
  readonly #maskNoise: boolean;
  readonly #urls = new Map<number, string | null>();
  readonly #brightness = new Map<number, number>();
  readonly #wanted = new Set<number>();
  readonly #inFlight = new Set<number>();
  #scheduled = false;
  /** Bumped when a batch lands; url() reads it so components re-render. */
  #version = $state(0);

  /** maskNoise: thumbnails with the noise transparent (the paper's Figure 2), each with its brightness. */
  constructor(api: ApiClient, maskNoise = false) {
    this.#api = api;
    this.#maskNoise = maskNoise;
  }

  /** With maskNoise: the peak above the noise in sigmas, once fetched (0 before). */
  brightness(id: number): number {
    return this.#brightness.get(id) ?? 0;
  }

  /** The thumbnail's URL, null when the item has none, undefined while loading. */
  url(id: number): string | null | undefined {
    void this.#version;
    if (this.#urls.has(id)) return this.#urls.get(id);
    if (!this.#inFlight.has(id)) {
      this.#wanted.add(id);
      this.#schedule();
    }
    return undefined;
  }

  /** Already fetched (no request made): for canvas drawing loops. */
  peek(id: number): string | null | undefined {
    return this.#urls.get(id);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => requestAnimationFrame(() => void this.#flush()));
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const ids = [...this.#wanted].slice(0, BATCH);
    for (const id of ids) {
      this.#wanted.delete(id);
      this.#inFlight.add(id);
    }
    if (this.#wanted.size > 0) this.#schedule();
    if (ids.length === 0) return;
    try {
      const got = await this.#api.call('thumbnails', { ids, maskNoise: this.#maskNoise });
      for (const { id, png, brightness } of got) {
        if (brightness !== undefined) this.#brightness.set(id, brightness);
        this.#urls.set(id, png ? URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' })) : null);
      }
      this.#evict();
    } catch {
      for (const id of ids) this.#urls.set(id, null);
    } finally {
      for (const id of ids) this.#inFlight.delete(id);
      this.#version++;
    }
  }

  #evict(): void {
    if (this.#urls.size <= KEEP) return;
    for (const [id, url] of this.#urls) {
      if (this.#urls.size <= KEEP * 0.8) break;
      if (url) URL.revokeObjectURL(url);
      this.#urls.delete(id);
    }
  }

  /** Forget everything (the dataset changed). */
  clear(): void {
    for (const url of this.#urls.values()) if (url) URL.revokeObjectURL(url);
    this.#urls.clear();
    this.#version++;
  }
}
