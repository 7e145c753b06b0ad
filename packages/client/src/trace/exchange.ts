/**
 * One HTTP exchange as the trace saw it, before anything is shortened: what the step
 * descriptions (steps/) read to name and explain it. Nothing of this is printed as it is.
 */
export interface ObservedExchange {
  readonly url: URL;
  readonly method: string;
  readonly requestHeaders: Headers;
  /** An `application/x-www-form-urlencoded` body (token and revocation requests). */
  readonly requestForm?: URLSearchParams;
  /** A JSON body (MCP's JSON-RPC, a registration request). */
  readonly requestJson?: unknown;
  readonly response?: ObservedResponse;
  /** No answer: "connection refused", … */
  readonly failure?: string;
}

export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body, when there was a small one worth reading (not an MCP result or stream). */
  readonly json?: unknown;
}

/** Bodies larger than this are not read for the trace. */
const MAX_BODY_BYTES = 64 * 1024;

export function observeRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Omit<ObservedExchange, 'response' | 'failure'> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = new Headers(init?.headers);
  const method = (init?.method ?? 'GET').toUpperCase();
  const body = init?.body;
  if (body instanceof URLSearchParams) return { url, method, requestHeaders: headers, requestForm: body };
  if (typeof body !== 'string') return { url, method, requestHeaders: headers };
  const type = headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return { url, method, requestHeaders: headers, requestForm: new URLSearchParams(body) };
  }
  const json = parseJson(body);
  return json === undefined
    ? { url, method, requestHeaders: headers }
    : { url, method, requestHeaders: headers, requestJson: json };
}

/** Whether a request is MCP's JSON-RPC, whose answers (results, streams) the trace leaves unread. */
export function isJsonRpc(json: unknown): boolean {
  const first = Array.isArray(json) ? json[0] : json;
  return typeof first === 'object' && first !== null && 'jsonrpc' in first;
}

/**
 * The response's status and headers, and its JSON body read from a copy when it is a small
 * OAuth answer or an error: never an MCP result or event stream, which the SDK reads as it comes.
 */
export async function observeResponse(
  response: Response,
  request: Pick<ObservedExchange, 'requestJson'>,
): Promise<ObservedResponse> {
  const observed = { status: response.status, headers: response.headers };
  const type = response.headers.get('content-type') ?? '';
  const length = Number(response.headers.get('content-length') ?? 0);
  const worthReading = !isJsonRpc(request.requestJson) || response.status >= 400;
  if (!type.includes('json') || !worthReading || length > MAX_BODY_BYTES || !response.body) return observed;
  try {
    const text = await response.clone().text();
    const json = text.length <= MAX_BODY_BYTES ? parseJson(text) : undefined;
    return json === undefined ? observed : { ...observed, json };
  } catch {
    return observed;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
