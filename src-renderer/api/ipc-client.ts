// The API through the Electron preload, which exposes only invoke(method, args) and on(event, cb) on
// `astromorph:` channels. Typed arrays cross as they are (structured clone). A call carries a request
// id so that aborting its signal can cancel it on the main side.
import type { ApiFailure } from '../../src-main/api/contract/index.ts';
import { ApiCallError } from './client.ts';
import type { ApiClient, ApiEvents, CallOptions, EventName, MethodArgs, MethodName, MethodResult } from './client.ts';

export interface PreloadBridge {
  invoke(method: string, args: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: ApiFailure };

export class IpcClient implements ApiClient {
  readonly #bridge: PreloadBridge;
  #next = 1;

  constructor(bridge: PreloadBridge) {
    this.#bridge = bridge;
  }

  async call<M extends MethodName>(method: M, args: MethodArgs<M>, options: CallOptions = {}): Promise<MethodResult<M>> {
    const requestId = this.#next++;
    const onAbort = () => void this.#bridge.invoke('cancel', { requestId });
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = (await this.#bridge.invoke(method, { requestId, args: args ?? {} })) as Reply;
      if (!reply.ok) throw new ApiCallError(method, reply.error);
      return reply.value as MethodResult<M>;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.#bridge.on(event, listener as (payload: unknown) => void);
  }
}
