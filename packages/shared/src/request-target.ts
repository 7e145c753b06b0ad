import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Brings a request's target to origin-form (`/path?query`, RFC 9112 §3.2.1) before any program
 * routes it, or says it cannot be served:
 * - origin-form is kept as sent, including a path that starts with `//` (a path, never an
 *   authority: `//evil.example/mcp` is not `/mcp`);
 * - absolute-form (`http://host/path`, §3.2.2), which a server MUST accept, becomes origin-form,
 *   and its authority replaces the Host header (§7.2: the target's authority wins), so host
 *   checks and URLs built from Host see what the request really names;
 * - anything else (asterisk-form `*`, a relative or unparsable target) is refused, and so is a
 *   target holding `#` or `\` (neither may appear in a request-target, RFC 9112 §3.2 with RFC 3986
 *   §3.3: parsers disagree on them, a fragment ends the path for one, a backslash is a slash for
 *   another, and Koa reads no path at all from `/\!@#`).
 * Routers then never meet a target `new URL` would choke on or read as another host.
 */
export function normalizeRequestTarget(req: IncomingMessage): boolean {
  const target = req.url ?? '';
  if (/[#\\]/.test(target)) return false;
  if (target.startsWith('/')) return true;
  if (!/^https?:\/\//i.test(target)) return false;
  const url = URL.parse(target);
  if (!url?.host || url.username || url.password) return false;
  req.url = `${url.pathname}${url.search}`;
  req.headers.host = url.host;
  return true;
}

/**
 * The request's origin-form target as a URL for reading its path and query, or undefined when it
 * is not one (answer 400 then). The host part is a placeholder: who the request is for comes from
 * the Host header, checked separately; `//x` stays a path here, never an authority.
 */
export function requestTargetUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return undefined;
  return URL.parse(`http://origin-form${target}`) ?? undefined;
}

/** RFC 9112 §3.2: 400 for a request-target the server cannot use, saying what it expects. */
export function refuseRequestTarget(res: ServerResponse): void {
  res.statusCode = 400;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('connection', 'close');
  res.end(
    JSON.stringify({
      error: 'invalid_request',
      error_description: 'the request target must be an absolute path such as /mcp (RFC 9112 §3.2)',
    }),
  );
}
