import type { ScopeSources } from '../oauth/scopes.ts';

/** `--trace` (for people, on a terminal) or `--trace=json` (one JSON object a line, for tools). */
export type TraceFormat = 'text' | 'json';

/**
 * What the connection tells `--trace` while it signs in and calls (trace/tracer.ts). Only a type
 * here: with tracing off there is no trace object, each caller's `trace?.…` does nothing, and
 * the trace modules are never loaded.
 */
export interface SignInTrace {
  /** The fetch the SDK uses, wrapped so that each HTTP exchange is recorded when it ends. */
  observeFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch;
  /** An authorization is about to start, asking for a scope made of these parts. */
  authorizationStarts(scope: ScopeSources): void;
  /** The authorization request the browser is about to be sent to. */
  authorizationRequest(url: URL): void;
  /** What the browser brought to the loopback redirect URI; `accepted` when its `state` matched. */
  callback(url: URL, accepted: boolean): void;
}
