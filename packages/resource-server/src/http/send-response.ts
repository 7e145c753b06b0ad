import type { ServerResponse } from 'node:http';
import { closeConnectionIfBodyPending } from './unread-body.ts';

/**
 * JSON text as it is (a document serialised once at start-up, a JSON-RPC error). Every answer of
 * ours goes through here, so none leaves a large request body for Node to drain (unread-body.ts).
 */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  closeConnectionIfBodyPending(res.req, res);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(text);
}

/** A JSON answer about this request alone: never stored by a cache (RFC 9111 §5.2.2.5). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('cache-control', 'no-store');
  sendJsonText(res, status, JSON.stringify(body));
}
