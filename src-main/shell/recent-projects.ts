// The Open Recent list: newest first, at most ten, only files that still exist.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const MAX = 10;

export class RecentProjects {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  list(): string[] {
    try {
      const v = JSON.parse(readFileSync(this.#file, 'utf8')) as unknown;
      return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && existsSync(p)).slice(0, MAX) : [];
    } catch {
      return [];
    }
  }

  add(path: string): string[] {
    const list = [path, ...this.list().filter((p) => p !== path)].slice(0, MAX);
    try {
      writeFileSync(this.#file, JSON.stringify(list));
    } catch {
      // not worth failing an open over
    }
    return list;
  }
}
