// The map view's state with a stand-in transport whose answers come back in any order, as a loaded
// server's do: only the latest request's map is shown.
import { describe, expect, it } from 'vitest';
import { EmbeddingMap } from '../../../src-renderer/lib/state/embedding-map.svelte.ts';
import { Task } from '../../../src-renderer/lib/state/app-state.svelte.ts';
import type { ApiClient } from '../../../src-renderer/api/client.ts';
import type { ItemIndex } from '../../../src-renderer/lib/state/item-index.svelte.ts';

describe('EmbeddingMap', () => {
  it('a map that answers after a newer request is dropped, whichever comes back first', async () => {
    const pending: { perplexity: number; resolve: (v: unknown) => void }[] = [];
    const api = {
      on: () => () => {},
      call: (method: string, args: Record<string, unknown>) => {
        if (method === 'computeMap') return new Promise((resolve) => pending.push({ perplexity: Number(args.perplexity ?? 19.67), resolve }));
        if (method === 'mapValues') return Promise.resolve({ keys: [] });
        return Promise.resolve(null);
      },
    } as unknown as ApiClient;
    const state = new EmbeddingMap(api, { get: () => undefined } as unknown as ItemIndex);
    state.runId = 1;
    state.colourBy = 'none';
    state.method = 'tsne';
    const map = (perplexity: number) => ({ runId: 1, method: 'tsne', params: { perplexity }, itemIds: [1, 2], coordinates: new Float32Array(4), axes: null });
    const first = state.compute(new Task(1, 't-SNE'));
    state.perplexity = 8;
    const second = state.compute(new Task(2, 't-SNE'));
    await Promise.resolve();
    expect(pending.map((p) => p.perplexity)).toEqual([19.67, 8]);
    pending[1]!.resolve(map(8));
    await second;
    pending[0]!.resolve(map(19.67));
    await first;
    expect(state.map?.params.perplexity).toBe(8);
    expect(state.current).toBe(true);
    expect(state.computing).toBe(false);
  });
});
