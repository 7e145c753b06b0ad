import type { ServerResponse } from 'node:http';
import { closeConnectionIfBodyPending } from './unread-body.ts';

/**
 * Fetch Standard, CORS protocol (`Access-Control-Expose-Headers`): browser-based MCP clients must
 * be able to read the auth challenge (RFC 6750 §3) and the session id, so both are exposed. Only origins the guards allowed are echoed; no credentials mode
 * (tokens travel in the Authorization header, never in cookies).
 */
const EXPOSED = ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-Id'].join(', ');
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-Id',
].join(', ');

export function setCorsHeaders(res: ServerResponse, origin: string | undefined): void {
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', EXPOSED);
  res.setHeader('vary', 'Origin');
}

export function answerPreflight(res: ServerResponse, origin: string | undefined): void {
  setCorsHeaders(res, origin);
  res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
  res.setHeader('access-control-max-age', '600');
  res.statusCode = 204;
  closeConnectionIfBodyPending(res.req, res);
  res.end();
}

/** Public metadata: any origin may read it (RFC 9728 documents are not secret). */
export function setPublicCorsHeaders(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
}
