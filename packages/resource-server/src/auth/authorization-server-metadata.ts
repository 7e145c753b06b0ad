import { setTimeout as delay } from 'node:timers/promises';

/** The parts of RFC 8414 metadata the RS uses. */
export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly introspection_endpoint?: string;
  readonly jwks_uri?: string;
  readonly scopes_supported?: string[];
  readonly [key: string]: unknown;
}

/**
 * RFC 8414 §3.1 well-known URLs, in the MCP order (MCP 2026-07-28 Authorization Server Discovery
 * §Authorization Server Metadata Discovery, which an RS discovering its AS follows too): for an issuer with a path the well-known segment goes between host and path.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const origin = url.origin;
  if (!path) {
    return [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`];
  }
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}/.well-known/openid-configuration${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ];
}

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** Fetches the AS metadata once; refuses a document whose `issuer` is not the one asked for. */
export async function fetchAuthorizationServerMetadata(
  issuer: string,
  fetchImpl: typeof fetch = fetch,
): Promise<AuthorizationServerMetadata> {
  const expectedIssuer = issuer.replace(/\/$/, '');
  let lastProblem = 'no metadata document found';
  for (const url of metadataUrls(issuer)) {
    const response = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      lastProblem = `${url} answered ${response.status}`;
      continue;
    }
    const metadata = (await response.json()) as AuthorizationServerMetadata;
    // RFC 8414 §3.3: the issuer in the document must be identical to the one discovered from.
    if (metadata.issuer !== expectedIssuer && metadata.issuer !== issuer) {
      throw new DiscoveryError(`${url} names issuer ${metadata.issuer}, not ${issuer} (RFC 8414 §3.3)`);
    }
    return metadata;
  }
  throw new DiscoveryError(`cannot discover ${issuer}: ${lastProblem}`);
}

/**
 * Start-up waits for the AS: the demo starts AS and RS together, and the RS should not fail just
 * because it won the race. Connection errors are retried until `waitSeconds`; a wrong issuer or
 * a missing document is final.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: { waitSeconds: number; onWaiting: (reason: string) => void; fetchImpl?: typeof fetch },
): Promise<AuthorizationServerMetadata> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  let announced = false;
  for (;;) {
    try {
      return await fetchAuthorizationServerMetadata(issuer, options.fetchImpl);
    } catch (error) {
      if (error instanceof DiscoveryError || Date.now() >= deadline) {
        throw error instanceof DiscoveryError
          ? error
          : new DiscoveryError(
              `the authorization server ${issuer} did not answer: ${(error as Error).message}`,
            );
      }
      if (!announced) {
        options.onWaiting(`waiting for the authorization server at ${issuer} …`);
        announced = true;
      }
      await delay(500);
    }
  }
}
