import { extractWWWAuthenticateParams, type FetchLike } from '@modelcontextprotocol/client';
import type { SignInTrace } from '../trace/sign-in-trace.ts';

/**
 * A request that got no answer at all: refused, unknown host, reset, timed out. A TypeError like
 * fetch's own, so the SDK's OAuth discovery still treats it as the network failure it is (it
 * tells those apart from "no metadata here" by that type).
 */
export class NetworkFailure extends TypeError {
  readonly url: string;
  /** What went wrong, in a few words: "connection refused", "host not found", … */
  readonly reason: string;

  constructor(url: string, cause: unknown) {
    const reason = networkReason(cause);
    super(`no answer from ${url} (${reason})`, { cause });
    this.name = 'NetworkFailure';
    this.url = url;
    this.reason = reason;
  }
}

/**
 * RFC 6750 §3.1: `403` with `error="insufficient_scope"`: the token is valid but too narrow for
 * this request, and `scope` names what it needs (MCP "Scope Challenge Handling"). Thrown for both
 * transports, so one step-up path serves them (the SDK's deprecated SSE transport has none).
 */
export class ScopeChallenge extends Error {
  readonly scope: string | undefined;
  readonly resourceMetadataUrl: URL | undefined;
  /** The tool whose call was refused, when the request was a `tools/call`. */
  readonly tool: string | undefined;

  constructor(init: { scope?: string; resourceMetadataUrl?: URL; tool?: string; description?: string }) {
    super(
      `the server needs the scope ${init.scope ?? '(unnamed)'}: ${init.description ?? 'insufficient_scope'}`,
    );
    this.name = 'ScopeChallenge';
    this.scope = init.scope;
    this.resourceMetadataUrl = init.resourceMetadataUrl;
    this.tool = init.tool;
  }
}

/** What the MCP server last answered that was neither success nor a sign-in challenge. */
export type ServerAnswer =
  | { readonly kind: 'unreachable'; readonly failure: NetworkFailure }
  | {
      readonly kind: 'status';
      readonly url: string;
      readonly method: string;
      readonly status: number;
      /** The OAuth-style `error` / `error_description` of a JSON body, when there is one. */
      readonly error?: string;
      readonly description?: string;
      readonly retryAfter?: string;
    };

export interface ObservedFetchOptions {
  /** The MCP server URL: answers from its origin (metadata aside) are the server's own. */
  readonly serverUrl: URL;
  /** Told about each failed exchange with the MCP server, to explain a later failure. */
  readonly record: (answer: ServerAnswer) => void;
  readonly fetch?: typeof fetch;
  /** `--trace`: sees every exchange, including each retry. */
  readonly trace?: SignInTrace | undefined;
}

/**
 * The fetch the SDK uses for this connection (MCP requests and its OAuth requests). It changes
 * nothing that works; it names what did not: requests that got no answer become a
 * NetworkFailure with the URL, a 403 `insufficient_scope` becomes a ScopeChallenge, and failed
 * answers of the MCP server are recorded, because the SDK's errors keep only a status line.
 */
export function observedFetch(options: ObservedFetchOptions): FetchLike {
  // Wrapped once, here: without --trace the fetch is the plain one, with nothing added per request.
  const baseFetch = options.trace
    ? options.trace.observeFetch(options.fetch ?? fetch)
    : (options.fetch ?? fetch);
  return async (url, init) => {
    const target = new URL(url);
    let response: Response;
    try {
      response = await fetchRetryingStaleConnection(baseFetch, url, init);
    } catch (error) {
      if (init?.signal?.aborted || (error as Error).name === 'AbortError') throw error;
      const failure = new NetworkFailure(target.href, error);
      if (isServerEndpoint(target, options.serverUrl)) options.record({ kind: 'unreachable', failure });
      throw failure;
    }
    if (response.ok || !isServerEndpoint(target, options.serverUrl)) return response;
    if (response.status === 403) {
      const challenge = extractWWWAuthenticateParams(response);
      if (challenge.error === 'insufficient_scope') {
        await response.body?.cancel().catch(() => {});
        throw new ScopeChallenge({
          ...(challenge.scope ? { scope: challenge.scope } : {}),
          ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
          ...(challenge.errorDescription ? { description: challenge.errorDescription } : {}),
          ...toolOf(init?.body),
        });
      }
    }
    if (response.status === 401) {
      // A refusal that survives a sign-in is explained with the server's own words (its
      // challenge's error_description, RFC 6750 §3), such as "accepts only DPoP-bound tokens".
      const challenge = extractWWWAuthenticateParams(response);
      options.record({
        kind: 'status',
        url: target.href,
        method: init?.method ?? 'GET',
        status: 401,
        ...(challenge.error ? { error: challenge.error } : {}),
        ...(challenge.errorDescription ? { description: challenge.errorDescription } : {}),
      });
    } else {
      options.record({
        kind: 'status',
        url: target.href,
        method: init?.method ?? 'GET',
        status: response.status,
        ...(await oauthErrorOf(response)),
        ...(response.headers.has('retry-after')
          ? { retryAfter: response.headers.get('retry-after') ?? '' }
          : {}),
      });
    }
    return response;
  };
}

/**
 * A kept-alive connection the server closed just as it was reused fails with a reset. A GET
 * (metadata discovery, the SSE stream) is safe to send again once (RFC 9110 §9.2.2); anything
 * else is not retried.
 */
async function fetchRetryingStaleConnection(
  baseFetch: typeof fetch,
  url: Parameters<FetchLike>[0],
  init: Parameters<FetchLike>[1],
): Promise<Response> {
  try {
    return await baseFetch(url, init);
  } catch (error) {
    const method = (init?.method ?? 'GET').toUpperCase();
    const reset = ['connection reset', 'connection closed'].includes(networkReason(error));
    if (!reset || (method !== 'GET' && method !== 'HEAD') || init?.signal?.aborted) throw error;
    return baseFetch(url, init);
  }
}

/** The MCP endpoint (and the SSE message endpoint), not the metadata documents beside them. */
function isServerEndpoint(target: URL, serverUrl: URL): boolean {
  return target.origin === serverUrl.origin && !target.pathname.startsWith('/.well-known/');
}

/** The tool a JSON-RPC `tools/call` body names, for saying which tool needs more access. */
function toolOf(body: unknown): { tool?: string } {
  if (typeof body !== 'string') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    for (const message of messages) {
      const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
      if (method === 'tools/call' && typeof params?.name === 'string') return { tool: params.name };
    }
  } catch {
    // Not JSON: no tool to name.
  }
  return {};
}

/** `error` and `error_description` of a JSON error body (RFC 6750 §3 style), read from a copy. */
async function oauthErrorOf(response: Response): Promise<{ error?: string; description?: string }> {
  if (!response.headers.get('content-type')?.includes('json')) return {};
  try {
    const body = JSON.parse(await response.clone().text()) as {
      error?: unknown;
      error_description?: unknown;
    };
    return {
      ...(typeof body.error === 'string' ? { error: body.error } : {}),
      ...(typeof body.error_description === 'string' ? { description: body.error_description } : {}),
    };
  } catch {
    return {};
  }
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

/**
 * undici's `fetch failed` hides the reason in `cause` (sometimes an AggregateError of them): the
 * errno code when there is one, else the innermost message ("bad port", …).
 */
export function networkReason(error: unknown): string {
  let current: unknown = error;
  let innermost = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code) return NETWORK_REASONS[code] ?? code;
    if (current.message) innermost = current.message;
    const inner = current instanceof AggregateError ? current.errors[0] : undefined;
    current = inner ?? current.cause;
  }
  return innermost;
}
