// The API over HTTP, for `astromorph serve`: POST /api/<method> (the session cookie carries the
// token), results as JSON or the binary envelope, events from one EventSource at /api/events.
import type { ApiFailure } from '../../src-main/api/contract/index.ts';
import { ApiCallError } from './client.ts';
import type { ApiClient, ApiEvents, CallOptions, EventName, MethodArgs, MethodName, MethodResult } from './client.ts';
import { decodeWire } from './http-wire.ts';

const WIRE = 'application/x-astromorph-wire';

export class HttpClient implements ApiClient {
  readonly #base: string;
  #source: EventSource | null = null;
  readonly #listeners = new Map<string, Set<(payload: never) => void>>();

  constructor(base = '') {
    this.#base = base;
  }

  async call<M extends MethodName>(method: M, args: MethodArgs<M>, options: CallOptions = {}): Promise<MethodResult<M>> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(args ?? {}),
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      throw new ApiCallError(method, { name: 'NetworkError', code: 'network', message: `the server did not answer (${(e as Error).message}); is astromorph serve still running?` });
    }
    if (!res.ok) {
      let failure: ApiFailure = { name: 'HttpError', code: String(res.status), message: `${method} failed with HTTP ${res.status}` };
      try {
        const body = (await res.json()) as { error?: ApiFailure };
        if (body.error) failure = body.error;
      } catch {
        // keep the status line
      }
      throw new ApiCallError(method, failure);
    }
    if (res.headers.get('Content-Type')?.startsWith(WIRE)) return decodeWire(await res.arrayBuffer()) as MethodResult<M>;
    return ((await res.json()) as { value: MethodResult<M> }).value;
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
      this.#stream().addEventListener(event, (m) => {
        const payload = JSON.parse((m as MessageEvent<string>).data) as never;
        for (const l of [...(this.#listeners.get(event) ?? [])]) l(payload);
      });
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  #stream(): EventSource {
    this.#source ??= new EventSource(`${this.#base}/api/events`, { withCredentials: true });
    return this.#source;
  }
}
