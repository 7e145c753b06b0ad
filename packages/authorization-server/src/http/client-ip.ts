import type { IncomingMessage } from 'node:http';

/**
 * The address a request comes from, for rate limits and logs. Behind a trusted proxy
 * (`--trust-proxy`) it is the right-most `X-Forwarded-For` entry: the one our own proxy
 * appended; earlier ones are whatever the client sent. Otherwise it is the socket's peer.
 */
export function clientIpResolver(trustProxy: boolean): (req: IncomingMessage) => string {
  return (req) => {
    if (trustProxy) {
      const forwarded = req.headers['x-forwarded-for'];
      const nearest = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim();
      if (nearest) return nearest;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };
}
