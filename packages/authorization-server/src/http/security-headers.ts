import type { ServerResponse } from 'node:http';

/**
 * Headers for every HTML page of the AS. `frame-ancestors 'none'` and X-Frame-Options stop
 * clickjacking of the consent page (MCP security considerations; RFC 6819 §4.4.1.9). The CSP
 * allows only our own stylesheet, no script at all, and form posts to ourselves plus the
 * origins the flow may legitimately redirect to after a form post (Chromium applies
 * `form-action` to the redirects that follow a submission).
 */
export function setPageSecurityHeaders(res: ServerResponse, formTargets: readonly string[] = []): void {
  const formAction = ["'self'", ...formTargets].join(' ');
  res.setHeader(
    'content-security-policy',
    `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}
