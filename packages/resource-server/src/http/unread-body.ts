import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceServerError } from '../errors.ts';

/**
 * The most of an unread request body Node may discard after our answer to keep the connection
 * for the next request. Node reads and throws away whatever body is left once a response is
 * complete (keep-alive), however long it is; past this size the connection is closed instead.
 */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

/** RFC 9112 §6.3: chunked bodies have no length up front; no length and no chunking means none. */
function declaredBodyLength(req: IncomingMessage): number {
  if (req.headers['transfer-encoding'] !== undefined) return Number.POSITIVE_INFINITY;
  const length = req.headers['content-length'];
  if (length === undefined) return 0;
  return /^\d+$/.test(length) ? Number(length) : Number.POSITIVE_INFINITY;
}

/**
 * Called before any answer of ours: an answer given without reading the whole body (a refused
 * token, a wrong method, a body refused halfway) must not make the server read the rest of it.
 * A small unread body is drained by Node; a large, unbounded or half-read one gets
 * `Connection: close` (RFC 9112 §9.6), and Node closes the socket once the answer is sent.
 */
export function closeConnectionIfBodyPending(req: IncomingMessage, res: ServerResponse): void {
  if (req.readableEnded || res.headersSent) return;
  if (req.readableDidRead || !drainableBody(req)) res.setHeader('connection', 'close');
}

/** Whether Node may be left to read and discard the request's body (none counts as drainable). */
export function drainableBody(req: IncomingMessage): boolean {
  return declaredBodyLength(req) <= DRAIN_LIMIT_BYTES;
}

/**
 * GET and DELETE carry no message here (RFC 9110 §9.3.1: a GET body has no defined meaning). A
 * body larger than Node drains for free is refused rather than left for Node to read to its end.
 */
export function refuseUndrainableBody(req: IncomingMessage): void {
  if (drainableBody(req)) return;
  throw new ResourceServerError(
    400,
    'invalid_request',
    `a ${req.method} request carries no body here; send it without one`,
  );
}
