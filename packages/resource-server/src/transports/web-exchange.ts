import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebRequest } from '@modelcontextprotocol/node';

/**
 * One Node request seen as a web `Request`, converted once and shared by everything that needs
 * it (the SDK's era classifier and its 2026-07-28 handler). The SDK's `toNodeHandler` would
 * convert the request a second time, which cost about 9 percent of a stateless call
 * (docs/PERFORMANCE.md).
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
  // The body was read and size-limited by the caller; the parsed value is re-serialised here.
  const request = await toWebRequest(req, parsedBody, { signal: abort.signal });

  async function respond(response: Response): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
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
