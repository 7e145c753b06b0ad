import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One Node request seen as a web `Request`, converted once and shared by everything that needs
 * it (the SDK's era classifier and its 2026-07-28 handler). The SDK's `toNodeHandler` would
 * convert the request a second time, which cost about 9 percent of a stateless call
 * (docs/PERFORMANCE.md).
 *
 * The `Request` carries the method, URL, headers and abort signal but no body: the body was read,
 * bounded and parsed before (http/json-body.ts) and every SDK entry it goes to is handed that
 * parsed value (`parsedBody`), which the SDK then uses instead of reading the request (its
 * `classifyEntryRequest` reads a body only when `parsedBody` is undefined). The SDK's own
 * `toWebRequest` would serialise the parsed body again and wrap it in a stream nobody reads.
 */
export interface WebExchange {
  readonly request: Request;
  /** Writes the handler's `Response` to the Node response, streaming bodies with backpressure. */
  respond(response: Response): Promise<void>;
}

/**
 * The request's signal is aborted when the client goes away before the answer is complete, so
 * the MCP handler can cancel the work (a streamed SSE answer, a long tool call).
 */
export async function openWebExchange(
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody: unknown,
): Promise<WebExchange> {
  const abort = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) abort.abort();
  });
  if (res.destroyed) abort.abort();
  const request = bodylessWebRequest(req, abort.signal, parsedBody !== undefined);

  async function respond(response: Response): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    if (response.body !== null && isWholeBody(headers['content-type'])) {
      // A JSON answer is complete once the handler resolves: one buffer, one write with its
      // length, instead of iterating a web stream chunk by chunk (and chunked encoding).
      const body = Buffer.from(await response.arrayBuffer());
      finished = true;
      headers['content-length'] = String(body.length);
      res.writeHead(response.status, headers);
      res.end(body);
      return;
    }
    res.writeHead(response.status, headers);
    if (response.body === null || abort.signal.aborted) {
      finished = true;
      res.end();
      return;
    }
    const clientGone = new Promise<void>((resolve) =>
      abort.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      for await (const chunk of response.body) {
        if (abort.signal.aborted) break;
        if (!res.write(chunk)) {
          await Promise.race([new Promise<void>((resolve) => res.once('drain', resolve)), clientGone]);
        }
      }
    } catch {
      // The stream failed mid-answer: end what was sent; the client sees a truncated stream.
    } finally {
      finished = true;
      res.end();
    }
  }

  return { request, respond };
}

/** A JSON body (a single JSON-RPC response or error) is written whole; an SSE stream is streamed. */
function isWholeBody(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\b/i.test(contentType);
}

/**
 * The Node request's method, URL and header lines as a web `Request` without a body (see
 * `openWebExchange`). Repeated header lines stay repeated (`append`), as the SDK's converter
 * keeps them. A POST keeps its `content-*` headers, which describe the body the SDK is handed
 * parsed; without one the SDK would read the absent body, so `hasParsedBody` must be true for a
 * POST.
 */
function bodylessWebRequest(req: IncomingMessage, signal: AbortSignal, hasParsedBody: boolean): Request {
  const method = req.method ?? 'GET';
  if (method === 'POST' && !hasParsedBody) {
    throw new Error('a POST reaches the MCP handler only with its body read and parsed');
  }
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index] as string, raw[index + 1] as string);
  }
  // The Host the router checked (absolute-form targets replace it, RFC 9112 §3.2.2).
  const host = req.headers.host ?? 'localhost';
  headers.set('host', host);
  return new Request(`http://${host}${req.url ?? '/'}`, { method, headers, signal });
}
