// Every item's card by id, for views that label and colour points (the map, the gallery). Loaded once
// in pages of 5,000 and reloaded when the project changes (tags, a scan).
import type { ApiClient } from '../../api/client.ts';
import type { ItemCard } from '../../../src-main/api/contract/index.ts';

export class ItemIndex {
  readonly #api: ApiClient;
  #cards = $state.raw(new Map<number, ItemCard>());

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get(id: number): ItemCard | undefined {
    return this.#cards.get(id);
  }

  get size(): number {
    return this.#cards.size;
  }

  async load(): Promise<void> {
    const cards = new Map<number, ItemCard>();
    for (let offset = 0; ; offset += 5000) {
      const page = await this.#api.call('queryItems', { offset, limit: 5000 });
      for (const c of page.items) cards.set(c.id, c);
      if (offset + 5000 >= page.total) break;
    }
    this.#cards = cards;
  }
}
