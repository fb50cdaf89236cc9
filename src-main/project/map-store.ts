// 2-D maps of an embedding run (PCA, t-SNE, UMAP) with the parameters that made them. A map is
// kept until replaced on request, so the desktop app and the CLI show the same picture. PCA keeps
// its loadings and explained variance, so an axis can be read back as a direction in embedding space.
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';
import { blobOf, itemIdsBlob, readFloat32s, readItemIds } from './typed-blob.ts';

export type MapMethod = 'pca' | 'tsne' | 'umap';
export const MAP_METHODS: readonly MapMethod[] = ['pca', 'tsne', 'umap'];

const MAX_DIM = 65536;

export interface PcaAxes {
  /** Embedding dimension. */
  dim: number;
  /** Variance along each kept component, largest first. */
  variance: number[];
  /** variance / total variance. */
  ratio: number[];
  total: number;
  /** variance.length x dim, row-major: the loadings of each component. */
  components: Float32Array;
  /** The mean embedding (dim values) subtracted before projecting. */
  mean: Float32Array;
}

export interface MapInfo {
  id: number;
  runId: number;
  method: MapMethod;
  params: Record<string, unknown>;
  createdAt: number;
  items: number;
}

export interface StoredMap extends MapInfo {
  itemIds: Uint32Array;
  /** items x 2, row-major, aligned with itemIds. */
  coords: Float32Array;
  info: Record<string, unknown>;
  /** PCA only. */
  pca: PcaAxes | null;
}

export interface NewMap {
  runId: number;
  method: MapMethod;
  params: Record<string, unknown>;
  itemIds: readonly number[] | Uint32Array;
  coords: Float32Array;
  info?: Record<string, unknown>;
  pca?: Omit<PcaAxes, 'dim'> | null;
}

/** JSON with sorted keys, so equal parameters always compare equal as stored text. */
export function canonicalJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));
}

type MapRow = Record<string, unknown>;
const INFO_COLUMNS = 'id, run_id, method, params, created_at, length(item_ids) / 4 AS items';

export class MapStore {
  readonly #file: string;
  readonly #insert: Database.Statement<unknown[], { id: number }>;
  readonly #get: Database.Statement<[number], MapRow>;
  readonly #latest: Database.Statement<[number, string], MapRow>;
  readonly #latestWith: Database.Statement<[number, string, string], MapRow>;
  readonly #list: Database.Statement<[number], MapRow>;
  readonly #delete: Database.Statement<[number]>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#insert = db.prepare(`INSERT INTO maps (run_id, method, params, created_at, item_ids, coords, info, explained_variance, components, mean)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
    this.#get = db.prepare('SELECT * FROM maps WHERE id = ?');
    this.#latest = db.prepare('SELECT * FROM maps WHERE run_id = ? AND method = ? ORDER BY id DESC LIMIT 1');
    this.#latestWith = db.prepare('SELECT * FROM maps WHERE run_id = ? AND method = ? AND params = ? ORDER BY id DESC LIMIT 1');
    this.#list = db.prepare(`SELECT ${INFO_COLUMNS} FROM maps WHERE run_id = ? ORDER BY id`);
    this.#delete = db.prepare('DELETE FROM maps WHERE id = ?');
  }

  /** Stores a map; returns its id. */
  save(map: NewMap): number {
    const n = map.itemIds.length;
    if (map.coords.length !== 2 * n) throw new RangeError(`map: ${map.coords.length} coordinates for ${n} items (expected ${2 * n})`);
    if (!map.coords.every(Number.isFinite)) throw new RangeError('map: coordinates must be finite');
    let variance: string | null = null;
    let components: Uint8Array | null = null;
    let mean: Uint8Array | null = null;
    if (map.pca) {
      const { variance: v, ratio, total } = map.pca;
      const dim = map.pca.mean.length;
      if (ratio.length !== v.length || map.pca.components.length !== v.length * dim) {
        throw new RangeError(`map: PCA with ${v.length} variances, ${ratio.length} ratios, ${map.pca.components.length} loadings for dimension ${dim}`);
      }
      variance = JSON.stringify({ variance: v, ratio, total });
      components = blobOf(map.pca.components);
      mean = blobOf(map.pca.mean);
    }
    return this.#insert.get(map.runId, map.method, canonicalJson(map.params), Date.now(), itemIdsBlob(map.itemIds), blobOf(map.coords),
      JSON.stringify(map.info ?? {}), variance, components, mean)!.id;
  }

  get(id: number): StoredMap | null {
    const row = this.#get.get(id);
    return row ? this.#toMap(row) : null;
  }

  /** The newest map of a run by this method; with `params`, only one made with exactly those. */
  latest(runId: number, method: MapMethod, params?: Record<string, unknown>): StoredMap | null {
    const row = params === undefined ? this.#latest.get(runId, method) : this.#latestWith.get(runId, method, canonicalJson(params));
    return row ? this.#toMap(row) : null;
  }

  /** The run's maps without their arrays, oldest first. */
  list(runId: number): MapInfo[] {
    return this.#list.all(runId).map((row) => this.#toInfo(row, new RowReader(this.#file, 'maps', row.id)));
  }

  delete(id: number): void {
    this.#delete.run(id);
  }

  #toInfo(row: MapRow, r: RowReader): MapInfo {
    return {
      id: r.integer('id', row.id, 1),
      runId: r.integer('run_id', row.run_id, 1),
      method: r.oneOf('method', row.method, MAP_METHODS),
      params: r.jsonObject('params', row.params),
      createdAt: r.integer('created_at', row.created_at),
      items: row.items === undefined ? 0 : r.integer('items', row.items),
    };
  }

  #toMap(row: MapRow): StoredMap {
    const r = new RowReader(this.#file, 'maps', row.id);
    const itemIds = readItemIds(r, 'item_ids', row.item_ids);
    const n = itemIds.length;
    const info = { ...this.#toInfo(row, r), items: n };
    let pca: PcaAxes | null = null;
    if (info.method === 'pca') {
      const ev = r.jsonObject('explained_variance', row.explained_variance);
      const numbers = (key: string): number[] => {
        const v = ev[key];
        if (!Array.isArray(v) || v.length < 1 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          r.fail('explained_variance', `${key} must be a list of finite numbers`);
        }
        return v as number[];
      };
      const variance = numbers('variance');
      const ratio = numbers('ratio');
      const total = ev.total as number;
      if (ratio.length !== variance.length) r.fail('explained_variance', 'variance and ratio differ in length');
      if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) r.fail('explained_variance', 'total must be a finite number >= 0');
      const mean = readFloat32s(r, 'mean', row.mean);
      if (mean.length < 1 || mean.length > MAX_DIM) r.fail('mean', `dimension ${mean.length} outside 1..${MAX_DIM}`);
      const components = readFloat32s(r, 'components', row.components, variance.length * mean.length);
      pca = { dim: mean.length, variance, ratio, total, components, mean };
    }
    return {
      ...info,
      itemIds,
      coords: readFloat32s(r, 'coords', row.coords, 2 * n),
      info: r.jsonObject('info', row.info),
      pca,
    };
  }
}
