import {
  type AuthProvider,
  type AuthResult,
  auth,
  extractWWWAuthenticateParams,
  type FetchLike,
  RegistrationRejectedError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { authorizationUrlProblem, pkceSupportProblem } from '../oauth/authorization-server-checks.ts';
import { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import { expiresSoon } from '../oauth/saved-tokens.ts';
import { resourceScopes, type ScopeSources, scopeUnion } from '../oauth/scopes.ts';
import type { AuthorizationOptions } from './authorization-options.ts';
import { dpopResourceFetch } from './dpop-resource-fetch.ts';
import { AuthFailure, findCause, SignInRequired } from './errors.ts';
import { NetworkFailure, type ScopeChallenge } from './observed-fetch.ts';
import { notSignedIn, OperationLimits } from './operation-limits.ts';
import { redeemBrowserAnswer } from './redeem-browser-answer.ts';
import { rediscover } from './rediscover.ts';
import { registrationRefusal } from './registration-refusal.ts';
import { lapsedSignInReason, stepUpNeed } from './sign-in-reasons.ts';

export type { AuthorizationOptions } from './authorization-options.ts';

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
  /** The fetch of the transports: DPoP proofs for bound tokens (dpop-resource-fetch.ts). */
  readonly resourceFetch: FetchLike;
  #operation: OperationLimits | undefined; // the operation in progress: may it sign in, what it tried
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
      ...(options.dpop ? { dpop: options.dpop } : {}),
    });
    this.resourceFetch = dpopResourceFetch(this.provider, options.fetch);
    this.authProvider = {
      token: async () => (await this.provider.tokens())?.access_token,
      onUnauthorized: (context) => this.#onUnauthorized(context.response),
    };
  }

  /** An operation starts: until it ends, a 401 or 403 may lead to a sign-in (if `signIn`). */
  begin(signIn: boolean): void {
    this.#operation = new OperationLimits(signIn);
  }

  /** The operation ended: a sign-in nobody waited for (a background stream's 401) ends too. */
  async end(): Promise<void> {
    this.#operation = undefined;
    this.#reason = undefined;
    this.provider.forgetPendingDpopKey();
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
    this.#reason = lapsedSignInReason(this.provider, this.#options.url, saved);
    let result: AuthResult;
    try {
      // A re-authorization asks for what was held, not for everything the server offers.
      const sources = { flag: this.#options.scope, held: resourceScopes(saved.tokens.scope) };
      result = await this.#authorize({ sources, scope: scopeUnion(sources.flag, sources.held) });
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
    this.provider.noteChallenge(response.headers.get('www-authenticate'));
    const sent = await this.provider.savedTokens();
    await rediscover(this.provider, {
      serverUrl: this.#options.url,
      ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
      fetch: this.#options.fetch,
    });
    const held = await this.provider.savedTokens();
    if (held && held.tokens.access_token !== sent?.tokens.access_token && !expiresSoon(held)) {
      // Signed in to this resource already (through another of the server's URLs): use it.
      await this.provider.rememberSignIn();
      return 'AUTHORIZED';
    }
    this.#reason = lapsedSignInReason(this.provider, this.#options.url, sent ?? held);
    const sources = {
      flag: this.#options.scope,
      challenge: challenge.scope,
      held: resourceScopes(held?.tokens.scope),
    };
    return this.#authorize({
      sources,
      scope: scopeUnion(sources.flag, sources.challenge, sources.held),
      ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
    });
  }

  /**
   * One authorization through the SDK: a refresh when it can (AUTHORIZED), else the browser
   * (REDIRECT: the URL has been presented). The listener opens first, as the SDK names its
   * address in what it sends, and closes unless a browser answer is now awaited.
   */
  async #authorize(request: {
    /** The parts `scope` was made of, for --trace. */
    sources: ScopeSources;
    scope: string | undefined;
    resourceMetadataUrl?: URL;
    forceReauthorization?: boolean;
  }): Promise<AuthResult> {
    const { signIn } = this.#options;
    this.#requestedScope = request.scope;
    this.#options.trace?.authorizationStarts(request.sources);
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
      const rejected = findCause(error, RegistrationRejectedError);
      if (rejected)
        throw registrationRefusal(
          rejected,
          this.provider.discoveryState()?.authorizationServerMetadata?.issuer,
        );
      throw error;
    }
  }

  /**
   * The provider's redirectToAuthorization: checks the AS (PKCE with S256 advertised, an https
   * sign-in page), says why, then shows the URL (and opens the browser).
   */
  async #presentSignIn(url: URL): Promise<void> {
    // A 2025-03-26 server without AS metadata gets its default endpoints (that revision's
    // fallback): only metadata that exists can be checked for PKCE support.
    const metadata = this.provider.discoveryState()?.authorizationServerMetadata;
    const problem =
      (metadata ? pkceSupportProblem(metadata, metadata.issuer) : undefined) ?? authorizationUrlProblem(url);
    if (problem) throw new AuthFailure(problem);
    if (!this.#operation) throw notSignedIn(this.#options.url);
    this.#operation.startAuthorization(this.#options.interactive, this.#options.url);
    const state = this.provider.currentState;
    if (!state) throw new AuthFailure('the sign-in has no state to check');
    await this.#options.signIn.present(url, state, await this.#reason?.());
  }

  /** Waits for the browser, then redeems what it brought back. */
  async #finishSignIn(signal: AbortSignal | undefined): Promise<void> {
    const params = await this.#options.signIn.waitForAnswer(signal);
    this.#reason = undefined;
    await redeemBrowserAnswer(params, {
      provider: this.provider,
      serverUrl: this.#options.url,
      fetch: this.#options.fetch,
      requestedScope: this.#requestedScope,
    });
    this.#options.say('Signed in.');
  }

  /** MCP "Scope Challenge Handling": sign in for the union of what is held and what is asked. */
  async #stepUp(challenge: ScopeChallenge, signal: AbortSignal | undefined): Promise<void> {
    const held = await this.provider.savedTokens();
    const { missing, needs } = stepUpNeed(challenge, held?.tokens.scope);
    this.#operation?.startStepUp(needs);
    this.#reason = async () => `${needs}; sign in again to grant it.`;
    const sources = {
      flag: this.#options.scope,
      held: resourceScopes(held?.tokens.scope),
      challenge: challenge.scope,
    };
    const result = await this.#authorize({
      sources,
      scope: scopeUnion(sources.flag, sources.held, sources.challenge),
      ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
      // RFC 6749 §6: a refresh cannot widen the grant, so a wider scope needs the browser.
      forceReauthorization: missing.length > 0,
    });
    if (result === 'REDIRECT') await this.#finishSignIn(signal);
  }
}
