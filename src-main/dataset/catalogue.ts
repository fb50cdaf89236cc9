// What the scanner needs from wherever items are kept. The project's Project class satisfies it
// structurally, so dependencies keep pointing one way (dataset <- project).
import type { ItemRecord, ItemStatus, Thumbnail } from './item.ts';

export interface KnownFile {
  id: number;
  size: number;
  mtimeMs: number;
  status: ItemStatus;
}

export interface Catalogue {
  /** Absolute folder holding the project file; item paths are relative to it. */
  readonly folder: string;
  transaction<T>(fn: () => T): T;
  readonly datasets: {
    add(absoluteRoot: string): number;
    markScanned(id: number): void;
    list(): { id: number; absoluteRoot: string }[];
  };
  readonly items: {
    /** Items at or under a relative folder ('' = everything), keyed by relative path. */
    knownUnder(relativeFolder: string): Map<string, KnownFile>;
    /** Insert or update by path; returns the item id. */
    save(record: ItemRecord): number;
    markMissing(ids: readonly number[]): void;
    /** Status 'failed' with this reason, everything else kept (its folder cannot be read now). */
    markUnreadable(id: number, reason: string): void;
  };
  readonly thumbnails: {
    put(itemId: number, thumbnail: Thumbnail): void;
    delete(itemId: number): void;
  };
}
