// The one interface views use to reach the main side, typed from the method table. Two
// implementations: the Electron preload bridge (ipc-client.ts) and HTTP + server-sent events
// (http-client.ts); connect.ts picks one.
import type { ApiEvents, ApiFailure, EventName, MethodArgs, MethodName, MethodResult } from '../../src-main/api/contract/index.ts';

export type { ApiEvents, EventName, MethodArgs, MethodName, MethodResult };

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ApiClient {
  call<M extends MethodName>(method: M, args: MethodArgs<M>, options?: CallOptions): Promise<MethodResult<M>>;
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** A failed call as the page sees it: the main side's message, never a stack. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly code: string;
  readonly method: string;

  constructor(method: string, failure: ApiFailure) {
    super(failure.message);
    this.code = failure.code;
    this.method = method;
  }
}

export function isCancelled(e: unknown): boolean {
  return (e instanceof DOMException && e.name === 'AbortError') || (e instanceof ApiCallError && e.code === 'cancelled')
    || (e instanceof Error && e.name === 'AbortError');
}
