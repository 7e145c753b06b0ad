import {
  type AuthProvider,
  type AuthResult,
  auth,
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
  type FetchLike,
  UnauthorizedError,
  validateAuthorizationResponseIssuer,
} from '@modelcontextprotocol/client';
import { describeAuthorizationError } from '../oauth/authorization-error.ts';
import { FileOAuthProvider, type SavedTokens } from '../oauth/file-oauth-provider.ts';
import { describePermissions, missingScopes, resourceScopes, scopeUnion } from '../oauth/scopes.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import { resourceCovers, type SignInPointer } from '../store/sign-in-pointer.ts';
import type { BrowserSignIn } from './browser-sign-in.ts';
import { AuthFailure, findCause } from './errors.ts';
import { NetworkFailure, type ScopeChallenge } from './observed-fetch.ts';

export interface AuthorizationOptions {
  /** The MCP server URL as given. */
  readonly url: string;
  readonly store: CredentialStore;
  /** `--scope`: asked for in every authorization, together with what the server asks. */
  readonly scope?: string | undefined;
  readonly preregistered?: { clientId: string; clientSecret?: string } | undefined;
  readonly clientMetadataUrl?: string | undefined;
  /** May the client open a browser at all? `status` says no. */
  readonly interactive: boolean;
  readonly say: (line: string) => void;
  readonly signIn: BrowserSignIn;
  /** The fetch the SDK uses (observed-fetch.ts). */
  readonly fetch: FetchLike;
}

/** Refresh this long before the access token expires, not after a failed call. */
const REFRESH_MARGIN_MS = 60_000;
/** Authorizations (browser sign-ins) and step-ups per operation, at most. */
const MAX_ATTEMPTS = 3;
const SIGN_IN_LAPSED = 'Your saved sign-in has expired or was revoked; sign in again in the browser.';

/**
 * Thrown through the transport when the person must finish a sign-in in the browser: the
 * request fails at once, so no request timeout runs while someone types a password, and the
 * operation is tried again once the sign-in is done.
 */
export class SignInRequired extends Error {
  constructor() {
    super('signing in in the browser is needed first');
    this.name = 'SignInRequired';
  }
}

/** The operation in progress: whether it may sign in, and what it has tried. */
interface Operation {
  readonly signIn: boolean;
  authorizations: number;
  stepUps: number;
}

/**
 * When and for what this client signs in; the SDK's `auth()` does the OAuth (discovery,
 * registration, PKCE, `resource`, the `iss` check, refresh):
 * - 401 (RFC 6750 §3.1, MCP "Authorization Server Discovery"): the protected resource metadata
 *   is read again, so a server that now names another AS gets a sign-in there, with that AS's
 *   own registration (credentials are never offered across authorization servers); a sign-in
 *   already held for the same resource (through another URL of the server) is used as it is;
 * - 403 `insufficient_scope` (MCP "Scope Challenge Handling"), on either transport: a sign-in
 *   for the union of the scopes held, the challenge's and `--scope`;
 * - a token about to expire is refreshed first, asking again for what was held.
 * Before each browser sign-in it says why (expired, another AS, a wider scope).
 */
export class Authorization {
  readonly #options: AuthorizationOptions;
  readonly #serverUrl: URL;
  readonly provider: FileOAuthProvider;
  /** What the transports call: the bearer token, and the 401 handler. */
  readonly authProvider: AuthProvider;
  #operation: Operation | undefined;
  #reauthorizing: Promise<AuthResult> | undefined;
  /** Says why the sign-in about to be presented is needed. */
  #reason: (() => Promise<string | undefined>) | undefined;
  /** The scope of the authorization in progress, for explaining a refusal. */
  #requestedScope: string | undefined;

  constructor(options: AuthorizationOptions) {
    this.#options = options;
    this.#serverUrl = new URL(options.url);
    this.provider = new FileOAuthProvider({
      store: options.store,
      serverUrl: options.url,
      redirectUrl: () => options.signIn.redirectUrl,
      ...(options.scope ? { scope: options.scope } : {}),
      ...(options.preregistered ? { preregistered: options.preregistered } : {}),
      ...(options.clientMetadataUrl ? { clientMetadataUrl: options.clientMetadataUrl } : {}),
      onAuthorizationUrl: (url) => this.#presentSignIn(url),
    });
    this.authProvider = {
      token: async () => (await this.provider.tokens())?.access_token,
      onUnauthorized: (context) => this.#onUnauthorized(context.response),
    };
  }

  /** An operation starts: until it ends, a 401 or 403 may lead to a sign-in (if `signIn`). */
  begin(signIn: boolean): void {
    this.#operation = { signIn, authorizations: 0, stepUps: 0 };
  }

  /** The operation ended: a sign-in nobody waited for (a background stream's 401) ends too. */
  async end(): Promise<void> {
    this.#operation = undefined;
    this.#reason = undefined;
    if (this.#options.signIn.pending) await this.#options.signIn.end();
  }

  /**
   * Completes what a failure asked for: the browser sign-in a 401 started, or a step-up for a
   * 403. False when the failure asked for neither.
   */
  async recover(
    error: unknown,
    signal: AbortSignal | undefined,
    challenge: ScopeChallenge | undefined,
  ): Promise<boolean> {
    if (findCause(error, SignInRequired) && this.#options.signIn.pending) {
      await this.#finishSignIn(signal);
      return true;
    }
    if (!challenge) return false;
    await this.#stepUp(challenge, signal);
    return true;
  }

  /** Refreshes a token that expires within a minute, before the first request needs it. */
  async refreshIfExpiring(): Promise<void> {
    const saved = await this.provider.savedTokens();
    if (!saved?.tokens.refresh_token || !expiresSoon(saved)) return;
    this.#reason = this.#lapsedSignIn(saved);
    let result: AuthResult;
    try {
      // A re-authorization asks for what was held, not for everything the server offers.
      result = await this.#authorize({
        scope: scopeUnion(this.#options.scope, resourceScopes(saved.tokens.scope)),
      });
    } catch (error) {
      // The AS cannot be reached: go on with the token held; the server says if it still works.
      if (findCause(error, NetworkFailure)) return;
      throw error;
    }
    if (result === 'REDIRECT') await this.#finishSignIn(undefined);
  }

  /** The transports' 401 handler. Concurrent 401s share one re-authorization. */
  async #onUnauthorized(response: Response): Promise<void> {
    // Only an operation starts a sign-in; a background stream's 401 waits for the next one.
    if (!this.#operation) throw new UnauthorizedError('not signed in');
    if (this.#options.signIn.pending) throw new SignInRequired();
    this.#reauthorizing ??= this.#reauthorize(response).finally(() => {
      this.#reauthorizing = undefined;
    });
    if ((await this.#reauthorizing) === 'REDIRECT') throw new SignInRequired();
  }

  async #reauthorize(response: Response): Promise<AuthResult> {
    const challenge = extractWWWAuthenticateParams(response);
    const sent = await this.provider.savedTokens();
    await this.#rediscover(challenge.resourceMetadataUrl);
    const held = await this.provider.savedTokens();
    if (held && held.tokens.access_token !== sent?.tokens.access_token && !expiresSoon(held)) {
      // Signed in to this resource already (through another of the server's URLs): use it.
      await this.provider.rememberSignIn();
      return 'AUTHORIZED';
    }
    this.#reason = this.#lapsedSignIn(sent ?? held);
    return this.#authorize({
      scope: scopeUnion(this.#options.scope, challenge.scope, resourceScopes(held?.tokens.scope)),
      ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
    });
  }

  /**
   * Reads the protected resource metadata and the AS metadata again (RFC 9728, RFC 8414): the
   * server may now name another AS, whose own registration and tokens are then used.
   */
  async #rediscover(resourceMetadataUrl: URL | undefined): Promise<SignInPointer> {
    const info = await discoverOAuthServerInfo(this.#serverUrl, {
      ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
      fetchFn: this.#options.fetch,
    });
    this.provider.saveDiscoveryState({
      authorizationServerUrl: String(info.authorizationServerUrl),
      ...(resourceMetadataUrl ? { resourceMetadataUrl: resourceMetadataUrl.href } : {}),
      ...(info.resourceMetadata ? { resourceMetadata: info.resourceMetadata } : {}),
      ...(info.authorizationServerMetadata
        ? { authorizationServerMetadata: info.authorizationServerMetadata }
        : {}),
    });
    const published = info.resourceMetadata?.resource;
    const pointer: SignInPointer = {
      issuer: info.authorizationServerMetadata?.issuer ?? String(info.authorizationServerUrl),
      // A resource that does not cover this URL is refused by auth(), with its own message.
      resource: published && resourceCovers(published, this.#options.url) ? published : this.#options.url,
    };
    this.provider.useSignIn(pointer);
    return pointer;
  }

  /** Why a sign-in is needed when the one held no longer works, said when the URL is shown. */
  #lapsedSignIn(held: SavedTokens | undefined): () => Promise<string | undefined> {
    return async () => {
      if (!held) return undefined;
      const issuer = (await this.provider.signIn())?.issuer;
      if (issuer && issuer !== held.issuer) {
        return `The MCP server at ${this.#options.url} now uses the authorization server ${issuer} (before: ${held.issuer}); sign in there.`;
      }
      return SIGN_IN_LAPSED;
    };
  }

  /**
   * One authorization through the SDK: a refresh when it can (AUTHORIZED), else the browser
   * (REDIRECT: the URL has been presented). The listener opens first, as the SDK names its
   * address in what it sends, and closes unless a browser answer is now awaited.
   */
  async #authorize(request: {
    scope: string | undefined;
    resourceMetadataUrl?: URL;
    forceReauthorization?: boolean;
  }): Promise<AuthResult> {
    const { signIn } = this.#options;
    this.#requestedScope = request.scope;
    await signIn.listen();
    try {
      const result = await auth(this.provider, {
        serverUrl: this.#serverUrl,
        fetchFn: this.#options.fetch,
        ...(request.scope ? { scope: request.scope } : {}),
        ...(request.resourceMetadataUrl ? { resourceMetadataUrl: request.resourceMetadataUrl } : {}),
        ...(request.forceReauthorization ? { forceReauthorization: true } : {}),
      });
      if (result === 'AUTHORIZED') await signIn.end();
      return result;
    } catch (error) {
      await signIn.end();
      throw error;
    }
  }

  /** The provider's redirectToAuthorization: says why, then shows the URL (and opens the browser). */
  async #presentSignIn(url: URL): Promise<void> {
    const operation = this.#operation;
    if (!this.#options.interactive || !operation?.signIn) {
      throw new AuthFailure(
        `not signed in to ${this.#options.url}; run mcp-auth-client --url ${this.#options.url} to sign in`,
      );
    }
    // A few authorizations per operation at most, counted before another one is started.
    if (operation.authorizations >= MAX_ATTEMPTS) {
      throw new AuthFailure(
        'signing in did not give this client the access it needs; stopping after three attempts ' +
          '(ask the administrator of the authorization server for that access)',
      );
    }
    operation.authorizations += 1;
    const state = this.provider.currentState;
    if (!state) throw new AuthFailure('the sign-in has no state to check');
    await this.#options.signIn.present(url, state, await this.#reason?.());
  }

  /** Waits for the browser, then redeems the code (the SDK checks `iss` first, RFC 9207). */
  async #finishSignIn(signal: AbortSignal | undefined): Promise<void> {
    const params = await this.#options.signIn.waitForAnswer(signal);
    this.#reason = undefined;
    const error = params.get('error');
    if (error) throw this.#refusal(params, error);
    const code = params.get('code');
    if (!code)
      throw new AuthFailure('the browser came back without an authorization code; run the command again');
    try {
      const iss = params.get('iss');
      await auth(this.provider, {
        serverUrl: this.#serverUrl,
        authorizationCode: code,
        ...(iss ? { iss } : {}),
        fetchFn: this.#options.fetch,
      });
    } catch (cause) {
      // Explained by the connection, which knows where each request went.
      if (findCause(cause, NetworkFailure)) throw cause;
      throw new AuthFailure(`the sign-in could not be completed: ${(cause as Error).message}`, { cause });
    }
    this.#options.say('Signed in.');
  }

  /** An error the AS sent back instead of a code (RFC 6749 §4.1.2.1), explained. */
  #refusal(params: URLSearchParams, error: string): AuthFailure {
    const discovery = this.provider.discoveryState();
    const metadata = discovery?.authorizationServerMetadata;
    try {
      // RFC 9207 §2.4: an error answer is checked too before its text is believed; in a mix-up
      // attack another AS wrote it.
      validateAuthorizationResponseIssuer({
        iss: params.get('iss') ?? undefined,
        expectedIssuer: metadata?.issuer,
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
      });
    } catch {
      return new AuthFailure(
        `the sign-in answer did not come from the authorization server ${metadata?.issuer ?? ''} and was ignored; run the command again`,
      );
    }
    return new AuthFailure(
      describeAuthorizationError({
        error,
        description: params.get('error_description') ?? undefined,
        resource: discovery?.resourceMetadata?.resource ?? this.#options.url,
        scope: this.#requestedScope,
      }),
    );
  }

  /** MCP "Scope Challenge Handling": sign in for the union of what is held and what is asked. */
  async #stepUp(challenge: ScopeChallenge, signal: AbortSignal | undefined): Promise<void> {
    const held = await this.provider.savedTokens();
    const missing = missingScopes(challenge.scope, held?.tokens.scope);
    const what = challenge.tool ? `\`${challenge.tool}\`` : 'This request';
    const named = missing.length > 0 ? missing : missingScopes(challenge.scope, undefined);
    const needs = `${what} needs ${describePermissions(named)}`;
    if (this.#operation && ++this.#operation.stepUps > MAX_ATTEMPTS) {
      throw new AuthFailure(
        `${needs}, which the authorization server did not grant after ${MAX_ATTEMPTS} sign-ins; ask its administrator for it`,
      );
    }
    this.#reason = async () => `${needs}; sign in again to grant it.`;
    const result = await this.#authorize({
      scope: scopeUnion(this.#options.scope, resourceScopes(held?.tokens.scope), challenge.scope),
      ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
      // RFC 6749 §6: a refresh cannot widen the grant, so a wider scope needs the browser.
      forceReauthorization: missing.length > 0,
    });
    if (result === 'REDIRECT') await this.#finishSignIn(signal);
  }
}

function expiresSoon(saved: SavedTokens): boolean {
  return saved.expiresAt !== undefined && saved.expiresAt - Date.now() <= REFRESH_MARGIN_MS;
}
