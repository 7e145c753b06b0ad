import type { Logger } from '@mcp-auth/shared';
import type { ResourceServerOptions } from '../options.ts';
import type { AuthorizationServerMetadata } from './authorization-server-metadata.ts';
import { renewDevCredentialsOnRefusal } from './dev-credential-renewal.ts';
import { defaultDevCredentialsFile, resolveIntrospectionCredentials } from './introspection-credentials.ts';
import { createIntrospectionVerifier } from './introspection-verifier.ts';
import { createJwtVerifier } from './jwt-verifier.ts';
import type { TokenVerifier } from './verified-token.ts';

export interface TokenVerifierContext {
  readonly logger: Logger;
  /** Where the default development credential file is looked up (XDG_DATA_HOME, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetchImpl?: typeof fetch;
  /** The clock (epoch ms) of token expiry checks and caches. */
  readonly now?: () => number;
  /** JWT verification: least time between JWKS fetches (jwt-verifier.ts); tests shorten it. */
  readonly jwksRefetchCooldownMs?: number;
}

/**
 * The verifier `--token-verification` names, built from what the AS publishes (RFC 8414): a
 * JWT verifier needs its `jwks_uri`, introspection its `introspection_endpoint` and credentials.
 * Anything missing is a start-up error that says which other choice to make.
 */
export async function createTokenVerifier(
  options: ResourceServerOptions,
  metadata: AuthorizationServerMetadata,
  context: TokenVerifierContext,
): Promise<TokenVerifier> {
  if (options.tokenVerification === 'jwt') {
    if (!metadata.jwks_uri)
      throw new Error(`${metadata.issuer} publishes no jwks_uri; use --token-verification=introspection`);
    return createJwtVerifier({
      issuer: metadata.issuer,
      jwksUri: metadata.jwks_uri,
      ...(context.now ? { now: context.now } : {}),
      ...(context.jwksRefetchCooldownMs !== undefined
        ? { jwksRefetchCooldownMs: context.jwksRefetchCooldownMs }
        : {}),
    });
  }
  if (!metadata.introspection_endpoint) {
    throw new Error(`${metadata.issuer} publishes no introspection_endpoint; use --token-verification=jwt`);
  }
  const devCredentialsFile = options.devCredentialsFile ?? defaultDevCredentialsFile(context.env);
  const credentials = await resolveIntrospectionCredentials({
    ...(options.introspection ? { configured: options.introspection } : {}),
    authServer: metadata.issuer,
    devCredentialsFile,
  });
  if (credentials.source === 'development-file') {
    context.logger.warn(
      'DEVELOPMENT introspection credential in use (read from the local AS data folder); configure real credentials in production',
    );
  }
  return createIntrospectionVerifier({
    introspectionEndpoint: metadata.introspection_endpoint,
    issuer: metadata.issuer,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    cacheSeconds: options.introspectionCacheSeconds,
    cacheSize: options.introspectionCacheSize,
    ...(context.fetchImpl ? { fetchImpl: context.fetchImpl } : {}),
    ...(credentials.source === 'development-file'
      ? {
          renewCredentials: renewDevCredentialsOnRefusal({
            devCredentialsFile,
            authServer: metadata.issuer,
            current: credentials,
            logger: context.logger,
            ...(context.now ? { now: context.now } : {}),
          }),
        }
      : {}),
  });
}
