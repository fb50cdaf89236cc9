// One entry for every transport: check the method name and its arguments against the table, call
// the service, and turn whatever it throws into a plain {name, code, message} a page can show.
import { issueLines } from '../../base/issues.ts';
import { ApiError } from '../contract/errors.ts';
import type { ApiFailure } from '../contract/errors.ts';
import { isMethodName, METHODS } from '../contract/methods.ts';
import type { ApiService, MethodName } from '../contract/methods.ts';

export type Dispatch = (method: string, args: unknown, signal?: AbortSignal) => Promise<unknown>;

export function createDispatch(service: ApiService): Dispatch {
  return async (method, args, signal = new AbortController().signal) => {
    if (!isMethodName(method)) throw new ApiError('bad-argument', `no API method '${String(method).slice(0, 80)}'`);
    const parsed = METHODS[method].args.safeParse(args ?? {});
    if (!parsed.success) throw new ApiError('bad-argument', `${method}: ${issueLines(parsed.error.issues.slice(0, 5), { root: '(arguments)' }).join('; ')}`);
    const call = service[method] as (a: unknown, ctx: { signal: AbortSignal }) => Promise<unknown>;
    return call.call(service, parsed.data, { signal });
  };
}

/** The error as the page receives it: never a stack, never undefined. */
export function toFailure(err: unknown): ApiFailure {
  if (err instanceof ApiError) return { name: err.name, code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const name = err.name === 'AbortError' ? 'AbortError' : err.name;
    return { name, code: typeof code === 'string' ? code : name === 'AbortError' ? 'cancelled' : 'error', message: err.message || name };
  }
  return { name: 'Error', code: 'error', message: String(err) };
}

export type { ApiFailure, MethodName };
