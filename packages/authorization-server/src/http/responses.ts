import type { ServerResponse } from 'node:http';

/** A JSON answer, never cached (RFC 6749 §5.1 asks this of token responses; ours follow). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** An HTML page; its security headers are set by the caller (security-headers.ts). */
export function sendHtml(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(body);
}
