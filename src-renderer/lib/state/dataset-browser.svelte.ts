// The dataset browser's query (sort, filters) and the items it pages in as the grid scrolls.
import type { ApiClient } from '../../api/client.ts';
import type { DamagedRow, ItemCard, ItemStatus, SortKey } from '../../../src-main/api/contract/index.ts';
import { pagesFor } from '../grid-window.ts';

const PAGE = 300;

export class DatasetBrowser {
  readonly #api: ApiClient;
  search = $state('');
  statuses = $state<ItemStatus[]>([]);
  tag = $state<string | null>(null);
  sort = $state<SortKey>('path');
  descending = $state(false);
  #total = $state(0);
  /** Rows of the project left out because they failed validation (shown so they are not lost silently). */
  damaged = $state.raw<DamagedRow[]>([]);
  #pages = $state.raw(new Map<number, ItemCard[]>());
  #loading = new Set<number>();
  #generation = 0;
  onError: (e: unknown) => void = () => {};

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get total(): number { return this.#total; }

  #query() {
    return {
      search: this.search || undefined,
      status: this.statuses.length ? [...this.statuses] : undefined,
      tag: this.tag ?? undefined,
      sort: this.sort,
      descending: this.descending,
    };
  }

  /** Starts over with the current query (after a filter change, a scan or tagging). */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading.clear();
    try {
      const page = await this.#api.call('queryItems', { ...this.#query(), offset: 0, limit: PAGE });
      if (generation !== this.#generation) return;
      this.#total = page.total;
      this.damaged = page.damaged;
      this.#pages = new Map([[0, page.items]]);
    } catch (e) {
      this.onError(e);
    }
  }

  cardAt(index: number): ItemCard | undefined {
    return this.#pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  /** Loads the pages holding items [start, end) that are not here yet. */
  ensure(start: number, end: number): void {
    for (const p of pagesFor(start, end, PAGE)) {
      if (this.#pages.has(p) || this.#loading.has(p)) continue;
      this.#loading.add(p);
      const generation = this.#generation;
      this.#api.call('queryItems', { ...this.#query(), offset: p * PAGE, limit: PAGE }).then((page) => {
        if (generation !== this.#generation) return;
        const pages = new Map(this.#pages);
        pages.set(p, page.items);
        this.#pages = pages;
        this.#total = page.total;
      }, (e) => this.onError(e)).finally(() => this.#loading.delete(p));
    }
  }

  /** Position of an item in the current order, if its page is loaded. */
  indexOf(id: number): number {
    for (const [p, items] of this.#pages) {
      const i = items.findIndex((c) => c.id === id);
      if (i >= 0) return p * PAGE + i;
    }
    return -1;
  }
}
