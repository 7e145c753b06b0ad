import { InvalidTokenError, VerifierUnavailableError } from '../errors.ts';
import { confirmationThumbprint } from './confirmation.ts';
import { cacheVerifiedTokens } from './token-cache.ts';
import type { TokenVerifier, VerifiedToken } from './verified-token.ts';

export interface IntrospectionVerifierOptions {
  readonly introspectionEndpoint: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Longest reuse of one answer; 0 disables the cache. Revocation takes effect within it. */
  readonly cacheSeconds: number;
  readonly cacheSize: number;
  readonly fetchImpl?: typeof fetch;
  readonly now?: () => number;
  /** How long one introspection may take before the AS counts as unreachable (default 5 s). */
  readonly timeoutMs?: number;
  /**
   * Called when the AS refuses the credentials: new ones to retry with (once), or undefined. The
   * development credential is rewritten when a local AS starts on a fresh data folder.
   */
  readonly renewCredentials?: () => Promise<IntrospectionClientCredentials | undefined>;
}

export interface IntrospectionClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * RFC 6749 §5.2 errors about the client's own authentication: every token would get the same
 * answer, so it is the RS's configuration that is wrong, not the token.
 */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set(['invalid_client', 'unauthorized_client']);

/** The `error` code of an OAuth error answer (RFC 6749 §5.2), when it has one. */
async function oauthErrorCode(response: Response): Promise<string | undefined> {
  const body: unknown = await response.json().catch(() => undefined);
  const code = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The AS refused our own client authentication (RFC 6749 §5.2): a 503 to the caller. */
class CredentialsRefusedError extends VerifierUnavailableError {}

/** RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function spaceList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

function audienceList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * RFC 7662 token introspection, authenticated with the RS's own client credentials (§2.1).
 * Answers are cached (token-cache.ts) for at most `cacheSeconds` and never past the token's `exp`.
 */
export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): TokenVerifier {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  let clientId = options.clientId;
  let authorization = basicCredentials(options.clientId, options.clientSecret);
  // Refusals arriving together share one renewal.
  let renewal: Promise<boolean> | undefined;

  /** True when other credentials are now in use, so the refused request is worth one retry. */
  function renewAfterRefusal(): Promise<boolean> {
    const renew = options.renewCredentials;
    if (!renew) return Promise.resolve(false);
    renewal ??= renew()
      .then((fresh) => {
        if (!fresh) return false;
        const next = basicCredentials(fresh.clientId, fresh.clientSecret);
        if (next === authorization) return false;
        clientId = fresh.clientId;
        authorization = next;
        return true;
      })
      .finally(() => {
        renewal = undefined;
      });
    return renewal;
  }

  async function introspect(token: string): Promise<VerifiedToken> {
    const usedAuthorization = authorization;
    try {
      return await introspectWith(token, usedAuthorization);
    } catch (error) {
      if (!(error instanceof CredentialsRefusedError)) throw error;
      // Another request may have renewed them meanwhile; else renew now.
      if (authorization !== usedAuthorization || (await renewAfterRefusal())) {
        return introspectWith(token, authorization);
      }
      throw error;
    }
  }

  async function introspectWith(token: string, authorization: string): Promise<VerifiedToken> {
    let response: Response;
    try {
      response = await fetchImpl(options.introspectionEndpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error);
      throw new VerifierUnavailableError(
        `the authorization server could not be reached at ${options.introspectionEndpoint} (${reason}); check that it is running and reachable from this server`,
        { cause: error },
      );
    }
    if (response.status === 400) {
      const code = await oauthErrorCode(response);
      if (code !== undefined && CREDENTIAL_ERRORS.has(code)) throw credentialsRefused(400, code);
      // RFC 7662 §2.2 wants `active: false` for any token the AS cannot vouch for; some ASes refuse
      // the request instead (oidc-provider answers 400 unsupported_token_type to a JWT-shaped
      // token). The request differs from any other only by its token, so the refusal is about it.
      throw new InvalidTokenError('the access token is not active');
    }
    if (response.status === 401 || response.status === 403) {
      throw credentialsRefused(response.status, await oauthErrorCode(response));
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new VerifierUnavailableError(
        `the authorization server answered ${response.status} to introspection; see its log`,
      );
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await response.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new TypeError('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      throw new VerifierUnavailableError('the introspection answer is not a JSON object', { cause: error });
    }
    if (body.active !== true) throw new InvalidTokenError('the access token is not active');
    if (typeof body.iss === 'string' && body.iss !== options.issuer) {
      throw new InvalidTokenError('the access token was issued by another authorization server');
    }
    // RFC 6749 §5.1: token types are case-insensitive.
    const tokenType = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : undefined;
    // RFC 9449 §6.2: a DPoP-bound access token is introspected with token_type DPoP.
    if (
      body.token_type !== undefined &&
      tokenType !== 'bearer' &&
      tokenType !== 'dpop' &&
      tokenType !== 'access_token'
    ) {
      throw new InvalidTokenError('only access tokens are accepted');
    }
    const expiresAt = Number(body.exp);
    if (!Number.isFinite(expiresAt)) throw new InvalidTokenError('the access token has no expiry');
    if (expiresAt * 1000 <= now()) throw new InvalidTokenError('the access token has expired');
    const boundKeyThumbprint = confirmationThumbprint(body.cnf);
    return {
      ...(boundKeyThumbprint ? { boundKeyThumbprint } : {}),
      clientId: typeof body.client_id === 'string' ? body.client_id : '',
      scopes: spaceList(body.scope),
      expiresAt,
      extra: {
        subject: typeof body.sub === 'string' ? body.sub : undefined,
        ...(typeof body.username === 'string' ? { username: body.username } : {}),
        audience: audienceList(body.aud),
        issuer: typeof body.iss === 'string' ? body.iss : undefined,
      },
    };
  }

  function credentialsRefused(status: number, code: string | undefined): VerifierUnavailableError {
    return new CredentialsRefusedError(
      `the authorization server refused this resource server's introspection credentials (${status}${code ? ` ${code}` : ''}) for client ${clientId}; check the configured id and secret (--introspection-client-id, MCP_AUTH_RS_CLIENT_SECRET, or the development credential file) against the clients of ${options.issuer}`,
    );
  }

  return {
    kind: 'introspection',
    ...cacheVerifiedTokens(introspect, {
      maxAgeMs: options.cacheSeconds * 1000,
      maxEntries: options.cacheSize,
      now,
    }),
  };
}
