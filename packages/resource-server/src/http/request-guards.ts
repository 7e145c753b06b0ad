import type { IncomingMessage } from 'node:http';
import { isLoopbackHostname, LOOPBACK_HOST_NAMES } from '@mcp-auth/shared';

/**
 * DNS rebinding protection (MCP 2026-07-28 Streamable HTTP, "Security Warning"): a web page can
 * make a browser send requests to this server under a name it controls. The `Host` header must
 * be one of ours, and a browser's `Origin`, when present, one we trust.
 */
export interface RequestGuards {
  hostAllowed(req: IncomingMessage): boolean;
  /** The origin to echo in CORS headers, or undefined when the request is not from a browser. */
  originDecision(req: IncomingMessage): { allowed: boolean; origin?: string };
}

function hostnameOf(host: string): string {
  const url = URL.parse(`http://${host}`);
  return url ? url.hostname : '';
}

export function createRequestGuards(options: {
  resourceUrl: string;
  port: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}): RequestGuards {
  const resource = new URL(options.resourceUrl);
  const loopbackResource = isLoopbackHostname(resource.hostname);
  const hosts = new Set([
    resource.host.toLowerCase(),
    ...options.allowedHosts.map((host) => host.toLowerCase()),
  ]);
  if (loopbackResource) {
    for (const name of LOOPBACK_HOST_NAMES) hosts.add(`${name}:${options.port}`);
  }
  // Browsers send a serialized origin (lower-case, no path); configured values are normalized alike.
  const origins = new Set([
    resource.origin,
    ...options.allowedOrigins.map((origin) => URL.parse(origin)?.origin ?? origin),
  ]);
  return {
    hostAllowed(req) {
      const host = req.headers.host?.toLowerCase();
      return host !== undefined && hosts.has(host);
    },
    originDecision(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return { allowed: true };
      if (origins.has(origin)) return { allowed: true, origin };
      // Local browser tools (an inspector on another port) may talk to a loopback server;
      // a rebinding page's origin is its own domain name, never a loopback name.
      const url = URL.parse(origin);
      if (loopbackResource && url && isLoopbackHostname(url.hostname) && hostnameOf(url.host)) {
        return { allowed: true, origin };
      }
      return { allowed: false };
    },
  };
}
