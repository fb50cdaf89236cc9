// The dataset as the browser pages through it: every item's searchable columns held in memory, so
// sorting by any column and filtering by status/tag/text cost one pass, not one SQL plan per column.
// Rebuilt lazily after a scan or a tag change (100,000 items: a few hundred ms, once).
import type { Project } from '../../../project/index.ts';
import type { ItemCard, ItemPage, SortKey } from '../../contract/desktop.ts';
import type { DamagedRow, ItemStatus } from '../../contract/reports.ts';

export interface ItemQuery {
  status?: ItemStatus[] | undefined;
  tag?: string | undefined;
  search?: string | undefined;
  sort: SortKey;
  descending: boolean;
  offset: number;
  limit: number;
}

export class ItemCatalogue {
  readonly #project: Project;
  #cards: ItemCard[] | null = null;
  #byId = new Map<number, ItemCard>();
  /** Rows the last load skipped because they failed validation. */
  #damaged: DamagedRow[] = [];
  /** The last query's ordering, reused while only the page changes (scrolling). */
  #lastKey = '';
  #lastOrder: ItemCard[] = [];

  constructor(project: Project) {
    this.#project = project;
  }

  /** Forget everything; the next query reloads from the project. */
  invalidate(): void {
    this.#cards = null;
    this.#lastKey = '';
    this.#lastOrder = [];
  }

  card(id: number): ItemCard | undefined {
    this.#load();
    return this.#byId.get(id);
  }

  /**
   * Cluster label or outlier score of each item from the newest run with embeddings: its latest stored
   * clustering or outlier scores (what the map and `astromorph clusters` / `outliers` last made), and
   * which result that was (so a new one re-sorts).
   */
  #results(key: 'cluster' | 'outlier'): { version: string; values: Map<number, number> } {
    const project = this.#project;
    const run = project.runs.list().filter((r) => project.embeddings.count(r.id) > 0).at(-1);
    const result = !run ? null : key === 'cluster' ? project.clusterings.latest(run.id) : project.outliers.latest(run.id);
    if (!result) return { version: 'none', values: new Map() };
    const values = 'labels' in result ? result.labels : result.scores;
    return { version: `${run!.id}:${result.id}`, values: new Map(Array.from(result.itemIds, (id, i) => [id, values[i]])) };
  }

  query(q: ItemQuery): ItemPage {
    const results = q.sort === 'cluster' || q.sort === 'outlier' ? this.#results(q.sort) : null;
    const key = JSON.stringify([q.status, q.tag, q.search, q.sort, q.descending, results?.version]);
    const cards = this.#load();
    if (key !== this.#lastKey) {
      const search = q.search?.trim().toLowerCase() ?? '';
      const statuses = q.status && q.status.length > 0 ? new Set(q.status) : null;
      const matching = cards.filter((c) => (statuses === null || statuses.has(c.status))
        && (q.tag === undefined || c.tags.includes(q.tag))
        && (search === '' || [c.path, c.object, c.telescope, c.bunit].some((v) => v !== null && v.toLowerCase().includes(search))));
      const value = results ? (c: ItemCard) => { const v = results.values.get(c.id); return v === undefined || (v < 0 && q.sort === 'cluster') ? null : v; } : sortValue(q.sort);
      const sign = q.descending ? -1 : 1;
      // Missing values sort last whatever the direction; ties fall back to the path so pages are stable.
      matching.sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === null || vb === null) return va === vb ? byPath(a, b) : va === null ? 1 : -1;
        const c = va < vb ? -1 : va > vb ? 1 : 0;
        return c !== 0 ? c * sign : byPath(a, b);
      });
      this.#lastKey = key;
      this.#lastOrder = matching;
    }
    return {
      total: this.#lastOrder.length, offset: q.offset, items: this.#lastOrder.slice(q.offset, q.offset + q.limit), damaged: this.#damaged,
    };
  }

  #load(): ItemCard[] {
    if (this.#cards) return this.#cards;
    const tagsOf = new Map<number, string[]>();
    for (const { tag } of this.#project.tags.counts()) {
      for (const id of this.#project.tags.items(tag)) {
        const list = tagsOf.get(id);
        if (list) list.push(tag);
        else tagsOf.set(id, [tag]);
      }
    }
    const damaged: DamagedRow[] = [];
    this.#cards = this.#project.items.list({}, (d) => damaged.push(d)).map((item) => ({
      id: item.id,
      path: item.path,
      status: item.status,
      error: item.error,
      shape: item.shape,
      bitpix: item.bitpix,
      object: item.metadata.object,
      ra: item.metadata.ra,
      dec: item.metadata.dec,
      restfrq: item.metadata.restfrq,
      bunit: item.metadata.bunit,
      telescope: item.metadata.telescope,
      size: item.size,
      issues: item.issues.length,
      tags: tagsOf.get(item.id) ?? [],
    }));
    this.#byId = new Map(this.#cards.map((c) => [c.id, c]));
    this.#damaged = damaged;
    return this.#cards;
  }
}

function byPath(a: ItemCard, b: ItemCard): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function sortValue(key: SortKey): (c: ItemCard) => string | number | null {
  switch (key) {
    case 'path': return (c) => c.path;
    case 'object': return (c) => c.object?.toLowerCase() ?? null;
    case 'status': return (c) => c.status;
    case 'size': return (c) => c.size;
    case 'ra': return (c) => c.ra;
    case 'dec': return (c) => c.dec;
    case 'restfrq': return (c) => c.restfrq;
    case 'bunit': return (c) => c.bunit;
    case 'telescope': return (c) => c.telescope;
    case 'planes': return (c) => (c.shape ? c.shape.slice(2).reduce((a, b) => a * b, 1) : null);
    case 'cluster': case 'outlier': return () => null; // from the run's results, in query()
  }
}
