import type { IncomingMessage } from 'node:http';
import { SafeFetchError } from './safe-fetch-error.ts';

/** Statuses whose Response must have a null body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function tooLarge(host: string, limit: number): SafeFetchError {
  return new SafeFetchError('too-large', `the response from ${host} is larger than ${limit} bytes`);
}

/**
 * Reads a Node response into a WHATWG `Response`, refusing bodies over `limit` bytes: first by
 * the declared `content-length` (before reading anything), then by counting what actually
 * arrives, since a server may omit the header (chunked) or send more than it declared. The CIMD
 * draft's "Maximum Response Size" consideration asks for this bound on the fetch.
 */
export async function toLimitedResponse(
  res: IncomingMessage,
  limit: number,
  host: string,
): Promise<Response> {
  const declared = Number.parseInt(res.headers['content-length'] ?? '', 10);
  if (declared > limit) {
    res.destroy();
    throw tooLarge(host, limit);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) {
      res.destroy();
      throw tooLarge(host, limit);
    }
    chunks.push(chunk);
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) {
    throw new SafeFetchError('network', `${host} answered with an unusable status ${status}`);
  }
  // rawHeaders keeps every header as sent, repeated ones included, in order.
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  }
  return new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), { status, headers });
}
