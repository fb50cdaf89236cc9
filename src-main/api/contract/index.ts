// The contract between the app's main side and its views: what crosses IPC or HTTP, as plain JSON-able
// types and typed arrays, the method table with each method's argument schema, the events, the errors,
// the HTTP wire format, and how pixels are displayed. Node-free: the renderer imports this folder and
// nothing else of src-main (eslint.config.js holds it to that), and the CLI's --json output is these shapes.
export type * from './reports.ts';
export type * from './desktop.ts';
export type * from './exploration.ts';
export type * from './methods.ts';
export type { ApiEvents, EventName, EventListener } from './events.ts';
export type { ApiErrorCode, ApiFailure } from './errors.ts';
export { ApiError } from './errors.ts';
export { EventHub, EVENT_NAMES } from './events.ts';
export { METHODS, METHOD_NAMES, isMethodName } from './methods.ts';
export { SORT_KEYS } from './desktop.ts';
export { FIGURE_KINDS } from './reports.ts';
export { FEEDBACK_TAGS } from './exploration.ts';
export { WIRE_CONTENT_TYPE, encodeResult } from './http-wire.ts';
export * from './display.ts';
