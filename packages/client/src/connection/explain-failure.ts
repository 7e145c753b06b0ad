import { SdkError, SdkErrorCode, SdkHttpError, SseError } from '@modelcontextprotocol/client';
import { sanitizeForTerminal } from '../oauth/authorization-error.ts';
import { AuthFailure, ClientFailure, findCause } from './errors.ts';
import { NetworkFailure, type ServerAnswer } from './observed-fetch.ts';

export interface FailureContext {
  /** The MCP server URL as given. */
  readonly serverUrl: string;
  readonly transport: 'streamable-http' | 'sse';
  /** The last failed exchange with the MCP server (observed-fetch.ts), if any. */
  readonly lastAnswer: ServerAnswer | undefined;
}

/**
 * Any failure of connecting or of a request, as one sentence that says what was tried and what
 * to do next (a ClientFailure). The SDK's own errors keep only a status line or "fetch failed";
 * the facts come from what observed-fetch.ts saw. A failure nobody foresaw is returned as it is.
 */
export function explainFailure(error: unknown, context: FailureContext): Error {
  // Already explained (our sign-in code throws these through the SDK, which may wrap them).
  const explained = findCause(error, ClientFailure);
  if (explained) return explained;
  const network =
    findCause(error, NetworkFailure) ??
    // The SSE stream's EventSource reports a network failure as a bare event.
    (findCause(error, SseError)?.code === undefined && context.lastAnswer?.kind === 'unreachable'
      ? context.lastAnswer.failure
      : undefined);
  if (network) return new ClientFailure(describeUnreachable(network, context.serverUrl), { cause: error });

  const status = httpStatusOf(error);
  if (status !== undefined) {
    const answer =
      context.lastAnswer?.kind === 'status' && context.lastAnswer.status === status
        ? context.lastAnswer
        : undefined;
    if (status === 401) {
      const said = answer?.description
        ? `; it says: ${sanitizeForTerminal(answer.description).slice(0, 300)}`
        : '';
      return new AuthFailure(
        `the MCP server at ${context.serverUrl} still refuses this client after signing in again (HTTP 401${said}); ` +
          'run `mcp-auth-client logout`, then run the command again to sign in afresh',
        { cause: error },
      );
    }
    return new ClientFailure(describeAnswer(status, answer, context), { cause: error });
  }

  const sdkError = findCause(error, SdkError);
  if (sdkError?.code === SdkErrorCode.RequestTimeout) {
    return new ClientFailure(
      `the MCP server at ${context.serverUrl} did not answer in time; try again, or look at its log`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function describeUnreachable(failure: NetworkFailure, serverUrl: string): string {
  const server = new URL(serverUrl);
  const target = new URL(failure.url);
  if (target.origin === server.origin) {
    const advice = isLoopback(server)
      ? `is mcp-auth-rs running? Start it with: npx mcp-auth-rs --port=${server.port || '80'} (or check --url)`
      : 'is the server up, and is --url right?';
    return `cannot reach the MCP server at ${serverUrl} (${failure.reason}); ${advice}`;
  }
  const advice = isLoopback(target)
    ? `is mcp-auth-as running? Start it with: npx mcp-auth-as --port=${target.port || '80'}, then run this command again`
    : 'try again later, or ask the administrator of the MCP server';
  return (
    `cannot reach the authorization server at ${target.origin} (${failure.reason}), where the MCP server ` +
    `at ${serverUrl} sends you to sign in; ${advice}`
  );
}

/** The right endpoint for a transport, when the URL given looks like the other one's. */
function endpointAdvice(serverUrl: string, transport: FailureContext['transport']): string {
  const url = new URL(serverUrl);
  const isSsePath = /\/sse\/?$/.test(url.pathname);
  if (transport === 'streamable-http' && isSsePath) {
    const streamable = `${url.origin}${url.pathname.replace(/\/sse\/?$/, '')}`;
    return `${serverUrl} is a deprecated HTTP+SSE endpoint: add --transport sse, or use --url ${streamable} for Streamable HTTP`;
  }
  if (transport === 'sse' && !isSsePath) {
    const sse = `${url.origin}${url.pathname.replace(/\/$/, '')}/sse`;
    return `with --transport sse, --url must be the SSE endpoint: try --url ${sse}, or leave out --transport sse to use Streamable HTTP at ${serverUrl}`;
  }
  return 'check --url and --transport';
}

function describeAnswer(
  status: number,
  answer: Extract<ServerAnswer, { kind: 'status' }> | undefined,
  context: FailureContext,
): string {
  const { serverUrl, transport } = context;
  const detail = answer?.description ? `: ${sanitizeForTerminal(answer.description)}` : '';
  const retry =
    answer?.retryAfter && /^\d{1,5}$/.test(answer.retryAfter) ? ` in ${answer.retryAfter} s` : ' later';
  if (status === 503 && answer?.error === 'temporarily_unavailable') {
    return (
      `the MCP server at ${serverUrl} cannot reach its authorization server right now (HTTP 503${detail}); ` +
      `start the authorization server (npx mcp-auth-as), or try again${retry}`
    );
  }
  if (status === 503)
    return `the MCP server at ${serverUrl} is not ready (HTTP 503${detail}); try again${retry}`;
  if (status === 404) {
    const { origin } = new URL(serverUrl);
    return (
      `nothing answers MCP requests at ${serverUrl} (HTTP 404); this project's MCP server answers at ` +
      `${origin}/mcp (Streamable HTTP) and ${origin}/mcp/sse (with --transport sse); check --url`
    );
  }
  const transportName = transport === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP';
  const mismatch = (transport === 'sse') !== /\/sse\/?$/.test(new URL(serverUrl).pathname);
  if (status === 405 || (status === 400 && mismatch)) {
    return `the MCP server at ${serverUrl} refused a ${transportName} request (HTTP ${status}); ${endpointAdvice(serverUrl, transport)}`;
  }
  if (status >= 500)
    return `the MCP server at ${serverUrl} failed (HTTP ${status}${detail}); try again, or look at its log`;
  return `the MCP server at ${serverUrl} refused the request (HTTP ${status}${detail})`;
}

/** The HTTP status an SDK error reports, wherever it keeps it. */
function httpStatusOf(error: unknown): number | undefined {
  const http = findCause(error, SdkHttpError);
  if (http) return http.status;
  const sse = findCause(error, SseError);
  if (sse?.code !== undefined) return sse.code;
  // The deprecated SSE transport's POST failures are plain errors: "… (HTTP 404): …".
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const match = /\(HTTP (\d{3})\)/.exec(current.message);
    if (match?.[1]) return Number(match[1]);
    current = current.cause;
  }
  return undefined;
}
