import { randomBytes } from 'node:crypto';
import type {
  DpopSession,
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import {
  findSignInPointer,
  removeSignInPointer,
  type SignInPointer,
  saveSignInPointer,
} from '../store/sign-in-pointer.ts';
import { clientMetadataFor } from './client-metadata.ts';
import { DpopKeyHolder, isDpopTokenType } from './dpop-key-holder.ts';
import type { FileOAuthProviderOptions } from './file-oauth-provider-options.ts';
import { preregisteredClientInformation } from './preregistered-binding.ts';
import { type SavedTokens, savedTokensOf } from './saved-tokens.ts';

export type { FileOAuthProviderOptions } from './file-oauth-provider-options.ts';

/**
 * The client's OAuthClientProvider: the SDK runs the protocol (discovery, registration, PKCE,
 * `resource`, the RFC 9207 `iss` check, refresh); this class decides what is kept and where.
 * Registrations are kept per AS issuer and never offered to another AS (MCP "Dynamic Client
 * Registration": credentials are bound to the AS that issued them); tokens per issuer and
 * protected resource; the PKCE verifier, `state` and discovery state only in memory for the one
 * flow in progress.
 *
 * Which issuer and resource this server's sign-in belongs to is read from the store at first
 * and then follows discovery: the SDK reports both during `auth()`, and the connection reports
 * what it rediscovers after a 401 (`useSignIn`), so a server that moved to another AS gets a
 * sign-in there, with that AS's own registration.
 *
 * DPoP (RFC 9449): a key per sign-in, kept with its tokens (dpop-key-holder.ts); the SDK signs.
 */
export class FileOAuthProvider implements OAuthClientProvider {
  readonly #options: FileOAuthProviderOptions;
  #codeVerifier: string | undefined;
  #state: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #issuer: string | undefined;
  #resource: string | undefined;
  #pointerRead: Promise<void> | undefined;
  readonly #dpopKeys: DpopKeyHolder;
  readonly clientMetadataUrl: string | undefined;

  constructor(options: FileOAuthProviderOptions) {
    this.#options = options;
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.#dpopKeys = new DpopKeyHolder(options.dpop ?? 'auto');
  }

  get redirectUrl(): string {
    const { redirectUrl } = this.#options;
    return typeof redirectUrl === 'function' ? redirectUrl() : redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return clientMetadataFor({
      redirectUrl: this.redirectUrl,
      confidential: this.#options.preregistered?.clientSecret !== undefined,
      scope: this.#options.scope,
    });
  }

  /** The `state` of the flow in progress (RFC 6749 §10.12), checked at the callback. */
  state(): string {
    this.#state = randomBytes(24).toString('base64url');
    return this.#state;
  }

  get currentState(): string | undefined {
    return this.#state;
  }

  /** The AS and resource this server's sign-in belongs to, as far as is known now. */
  async signIn(): Promise<SignInPointer | undefined> {
    await this.#readPointer();
    return this.#issuer
      ? { issuer: this.#issuer, resource: this.#resource ?? this.#options.serverUrl }
      : undefined;
  }

  /** What discovery found: from now on, credentials of this AS for this resource are used. */
  useSignIn(pointer: SignInPointer): void {
    this.#issuer = pointer.issuer;
    this.#resource = pointer.resource;
  }

  /** Makes this server URL point at the current sign-in (when its tokens were found under another URL). */
  async rememberSignIn(): Promise<void> {
    const pointer = await this.signIn();
    if (pointer) await saveSignInPointer(this.#options.store, this.#options.serverUrl, pointer);
  }

  /** Called by the SDK's auth() with the issuer of the AS it discovered. */
  saveAuthorizationServerUrl(issuer: string): void {
    this.#issuer = issuer;
  }

  /** Called by the SDK's auth() with the resource indicator it sends (RFC 8707). */
  saveResourceUrl(resource: string): void {
    this.#resource = resource;
  }

  async clientInformation(
    ctx?: OAuthClientInformationContext,
  ): Promise<StoredOAuthClientInformation | undefined> {
    const { preregistered, store } = this.#options;
    const issuer = ctx?.issuer ?? (await this.signIn())?.issuer;
    if (preregistered) return preregisteredClientInformation(store, preregistered, issuer);
    return issuer ? store.read<StoredOAuthClientInformation>(store.clientPath(issuer)) : undefined;
  }

  async saveClientInformation(
    info: StoredOAuthClientInformation,
    ctx?: OAuthClientInformationContext,
  ): Promise<void> {
    if (this.#options.preregistered) return;
    const issuer = ctx?.issuer ?? (info as { issuer?: string }).issuer;
    if (!issuer) return;
    await this.#options.store.write(this.#options.store.clientPath(issuer), info);
  }

  async tokens(ctx?: OAuthClientInformationContext): Promise<StoredOAuthTokens | undefined> {
    const saved = await this.savedTokens(ctx?.issuer);
    return saved?.tokens;
  }

  /** The saved token set for this server's resource, only if it came from `issuer` (when given). */
  async savedTokens(issuer?: string): Promise<SavedTokens | undefined> {
    const pointer = await this.signIn();
    const knownIssuer = issuer ?? pointer?.issuer;
    if (!knownIssuer) return undefined;
    for (const path of this.#tokenPaths(knownIssuer, pointer?.resource)) {
      const saved = await this.#options.store.read<SavedTokens>(path);
      if (saved && saved.issuer === knownIssuer) return saved;
    }
    return undefined;
  }

  async saveTokens(tokens: StoredOAuthTokens, ctx?: OAuthClientInformationContext): Promise<void> {
    const issuer = ctx?.issuer ?? (tokens as { issuer?: string }).issuer ?? (await this.signIn())?.issuer;
    if (!issuer)
      throw new Error('cannot store tokens without knowing which authorization server issued them');
    this.#issuer = issuer;
    const resource = this.#resource ?? this.#options.serverUrl;
    const { store, serverUrl } = this.#options;
    // RFC 9449 §5: DPoP-bound tokens are kept with the key they are bound to.
    const dpopKey = this.#dpopKeys.keyToStore(tokens.token_type, (await this.savedTokens(issuer))?.dpopKey);
    await store.write(store.tokensPath(issuer, resource), savedTokensOf(tokens, issuer, dpopKey));
    // Tokens were once kept per URL typed: that copy is replaced by this one.
    if (resource !== serverUrl) await store.remove(store.tokensPath(issuer, serverUrl));
    await saveSignInPointer(store, serverUrl, { issuer, resource });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    await this.#dpopKeys.startSignIn(this.#discovery);
    await this.#options.onAuthorizationUrl(authorizationUrl);
  }

  /** The SDK's DPoP hook for token requests (RFC 9449 §5; dpop-key-holder.ts). */
  async dpop(): Promise<DpopSession | undefined> {
    return this.#dpopKeys.forTokenRequest((await this.savedTokens())?.dpopKey, this.#discovery);
  }

  /** The session that signs requests to the MCP server with the saved tokens (RFC 9449 §7). */
  async savedDpopSession(): Promise<DpopSession | undefined> {
    const saved = await this.savedTokens();
    return saved?.dpopKey && isDpopTokenType(saved.tokens.token_type)
      ? this.#dpopKeys.sessionOf(saved.dpopKey)
      : undefined;
  }

  noteChallenge = (header: string | null): void => this.#dpopKeys.noteChallenge(header); // RFC 9449 §7.1

  /** An operation ended: a key made for a sign-in that did not finish is dropped. */
  forgetPendingDpopKey(): void {
    this.#dpopKeys.forgetPending();
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.#codeVerifier) throw new Error('no sign-in is in progress');
    return this.#codeVerifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }

  /** What the SDK asks to forget when the AS says a credential is no longer valid. */
  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const pointer = await this.signIn();
    if ((scope === 'all' || scope === 'tokens') && pointer) {
      for (const path of this.#tokenPaths(pointer.issuer, pointer.resource))
        await this.#options.store.remove(path);
    }
    if ((scope === 'all' || scope === 'client') && pointer && !this.#options.preregistered) {
      await this.#options.store.remove(this.#options.store.clientPath(pointer.issuer));
    }
    if (scope === 'all' || scope === 'verifier') this.#codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }

  /** Forgets this server's tokens (logout); the registration with the AS is kept. */
  async forgetTokens(): Promise<SavedTokens | undefined> {
    const saved = await this.savedTokens();
    const pointer = await this.signIn();
    if (pointer) {
      for (const path of this.#tokenPaths(pointer.issuer, pointer.resource))
        await this.#options.store.remove(path);
    }
    await removeSignInPointer(this.#options.store, this.#options.serverUrl, pointer?.resource);
    return saved;
  }

  /** Where tokens of `issuer` for this server may be: per resource, then the old per-URL key. */
  #tokenPaths(issuer: string, resource: string | undefined): string[] {
    const { store, serverUrl } = this.#options;
    const paths = [store.tokensPath(issuer, resource ?? serverUrl)];
    if (resource && resource !== serverUrl) paths.push(store.tokensPath(issuer, serverUrl));
    return paths;
  }

  /** Reads the stored pointer once; concurrent callers wait for the same read. */
  async #readPointer(): Promise<void> {
    this.#pointerRead ??= this.#loadPointer();
    await this.#pointerRead;
  }

  async #loadPointer(): Promise<void> {
    const pointer = await findSignInPointer(this.#options.store, this.#options.serverUrl);
    if (!pointer) return;
    // Discovery may have reported something while the store was read; that wins.
    this.#issuer ??= pointer.issuer;
    this.#resource ??= pointer.resource;
  }
}
