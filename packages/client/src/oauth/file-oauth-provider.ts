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
import { AuthFailure } from '../connection/errors.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import {
  findSignInPointer,
  removeSignInPointer,
  type SignInPointer,
  saveSignInPointer,
} from '../store/sign-in-pointer.ts';
import { preregisteredIssuerProblem } from './authorization-server-checks.ts';
import { clientMetadataFor } from './client-metadata.ts';
import {
  type DpopMode,
  dpopAlgorithmFor,
  dpopSessionOf,
  newDpopKey,
  type StoredDpopKey,
} from './dpop-keys.ts';
import { type SavedTokens, savedTokensOf } from './saved-tokens.ts';

export interface FileOAuthProviderOptions {
  readonly store: CredentialStore;
  /** The MCP server URL as given (`--url`). */
  readonly serverUrl: string;
  /** The loopback redirect URI; a function when it is known only once the callback listens. */
  readonly redirectUrl: string | (() => string);
  readonly scope?: string;
  /** Pre-registered credentials: first in MCP's registration order. */
  readonly preregistered?: { clientId: string; clientSecret?: string };
  /** A Client ID Metadata Document URL: used when the AS advertises CIMD support. */
  readonly clientMetadataUrl?: string;
  /** Called with the authorization URL when the person must sign in. */
  readonly onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** When to ask for DPoP-bound tokens (RFC 9449; dpop-keys.ts); `auto` when absent. */
  readonly dpop?: DpopMode;
}

/** A DPoP key in use: its session (signing, nonces) and what is stored of it. */
interface DpopKeyInUse {
  readonly session: DpopSession;
  readonly stored: StoredDpopKey;
}

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
 * DPoP (RFC 9449): each sign-in that asks for bound tokens gets a key of its own, kept with its
 * tokens (the private JWK, in the owner-only tokens file) and used for their refreshes and for
 * every request to the MCP server (`savedDpopSession`). The SDK signs the token requests
 * (`dpop()`) and answers the AS's `use_dpop_nonce` once.
 */
export class FileOAuthProvider implements OAuthClientProvider {
  readonly #options: FileOAuthProviderOptions;
  #codeVerifier: string | undefined;
  #state: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #issuer: string | undefined;
  #resource: string | undefined;
  #pointerRead: Promise<void> | undefined;
  /** The key of the sign-in (or first bound refresh) in progress, until its tokens are saved. */
  #pendingDpop: DpopKeyInUse | undefined;
  /** The session of the saved tokens' key, kept so its nonces persist across requests. */
  #savedDpop: { readonly json: string; readonly session: DpopSession | undefined } | undefined;

  constructor(options: FileOAuthProviderOptions) {
    this.#options = options;
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  readonly clientMetadataUrl: string | undefined;

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
    const preregistered = this.#options.preregistered;
    if (preregistered) {
      const issuer = ctx?.issuer ?? (await this.signIn())?.issuer;
      if (issuer) await this.#bindPreregistered(preregistered.clientId, issuer);
      return {
        client_id: preregistered.clientId,
        ...(preregistered.clientSecret ? { client_secret: preregistered.clientSecret } : {}),
      } as StoredOAuthClientInformation;
    }
    const issuer = ctx?.issuer ?? (await this.signIn())?.issuer;
    if (!issuer) return undefined;
    return this.#options.store.read<StoredOAuthClientInformation>(this.#options.store.clientPath(issuer));
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
    const dpopKey = isDpopTokenType(tokens.token_type)
      ? (this.#pendingDpop?.stored ?? (await this.savedTokens(issuer))?.dpopKey)
      : undefined;
    this.#pendingDpop = undefined;
    await store.write(store.tokensPath(issuer, resource), savedTokensOf(tokens, issuer, dpopKey));
    // Tokens were once kept per URL typed: that copy is replaced by this one.
    if (resource !== serverUrl) await store.remove(store.tokensPath(issuer, serverUrl));
    await saveSignInPointer(store, serverUrl, { issuer, resource });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    // A new sign-in: a new key, when this sign-in asks for DPoP-bound tokens.
    const alg = dpopAlgorithmFor(this.#options.dpop ?? 'auto', this.#discovery);
    this.#pendingDpop = alg ? await newDpopKey(alg) : undefined;
    await this.#options.onAuthorizationUrl(authorizationUrl);
  }

  /**
   * The SDK's DPoP hook for token requests: the key of the sign-in in progress; else the saved
   * tokens' key (a refresh of bound tokens must be signed by it, RFC 9449 §5); else, when bound
   * tokens are now wanted, a new key for the refresh to bind the next access token to.
   */
  async dpop(): Promise<DpopSession | undefined> {
    if (this.#pendingDpop) return this.#pendingDpop.session;
    const saved = await this.savedTokens();
    if (saved?.dpopKey) return this.#sessionOfSaved(saved.dpopKey);
    const alg = dpopAlgorithmFor(this.#options.dpop ?? 'auto', this.#discovery);
    if (!alg) return undefined;
    this.#pendingDpop = await newDpopKey(alg);
    return this.#pendingDpop.session;
  }

  /** The session that signs requests to the MCP server with the saved tokens (RFC 9449 §7). */
  async savedDpopSession(): Promise<DpopSession | undefined> {
    const saved = await this.savedTokens();
    return saved?.dpopKey && isDpopTokenType(saved.tokens.token_type)
      ? this.#sessionOfSaved(saved.dpopKey)
      : undefined;
  }

  /** An operation ended: a key made for a sign-in that did not finish is dropped. */
  forgetPendingDpopKey(): void {
    this.#pendingDpop = undefined;
  }

  async #sessionOfSaved(stored: StoredDpopKey): Promise<DpopSession | undefined> {
    const json = JSON.stringify(stored);
    if (this.#savedDpop?.json !== json) this.#savedDpop = { json, session: await dpopSessionOf(stored) };
    return this.#savedDpop.session;
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

  /**
   * MCP 2026-07-28 Client Registration §Authorization Server Binding: a pre-registered client id
   * is bound to the first AS it is used with (kept in the store), and refused with any other.
   */
  async #bindPreregistered(clientId: string, issuer: string): Promise<void> {
    const { store } = this.#options;
    const path = store.preregisteredPath(clientId);
    const binding = await store.read<{ client_id: string; issuer: string }>(path);
    if (!binding?.issuer) {
      await store.write(path, { client_id: clientId, issuer });
      return;
    }
    const problem = preregisteredIssuerProblem(clientId, binding.issuer, issuer);
    if (problem) throw new AuthFailure(`${problem} (the binding is kept in ${path})`);
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

/** RFC 9449 §5: the AS answers `token_type` DPoP for bound tokens (case-insensitive, RFC 6749 §5.1). */
function isDpopTokenType(tokenType: string | undefined): boolean {
  return tokenType?.toLowerCase() === 'dpop';
}
