import { randomBytes } from 'node:crypto';
import type {
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { CredentialStore } from '../store/credential-store.ts';

/** Tokens on disk, with the moment they expire (epoch ms) so a refresh can come first. */
export interface SavedTokens {
  readonly issuer: string;
  readonly tokens: StoredOAuthTokens;
  readonly savedAt: number;
  readonly expiresAt?: number;
}

export interface ServerPointer {
  readonly issuer: string;
}

export interface FileOAuthProviderOptions {
  readonly store: CredentialStore;
  /** The MCP server URL: tokens are kept per server (SPEC Client.7). */
  readonly resource: string;
  /** The loopback redirect URI; a function when it is known only once the callback listens. */
  readonly redirectUrl: string | (() => string);
  readonly scope?: string;
  /** Pre-registered credentials: first in MCP's registration order. */
  readonly preregistered?: { clientId: string; clientSecret?: string };
  /** A Client ID Metadata Document URL: used when the AS advertises CIMD support. */
  readonly clientMetadataUrl?: string;
  /** Called with the authorization URL when the person must sign in. */
  readonly onAuthorizationUrl: (url: URL) => void | Promise<void>;
}

/**
 * The client's OAuthClientProvider: the SDK runs the protocol (discovery, registration, PKCE,
 * `resource`, the RFC 9207 `iss` check, refresh, step-up); this class decides what is kept and
 * where. Registrations are kept per AS issuer and never offered to another AS (SPEC Client.4);
 * tokens per issuer and server; the PKCE verifier, `state` and discovery state only in memory
 * for the one flow in progress.
 */
export class FileOAuthProvider implements OAuthClientProvider {
  readonly #options: FileOAuthProviderOptions;
  #codeVerifier: string | undefined;
  #state: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  /** The issuer this process last used, for a `tokens()` call without context. */
  #issuer: string | undefined;

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
    const confidential = this.#options.preregistered?.clientSecret !== undefined;
    return {
      client_name: 'MCP Auth CLI',
      redirect_uris: [this.redirectUrl],
      // SEP-2207: a client that can keep refresh tokens says so with its grant types.
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
      // SPEC Client.4: a CLI registers as a native application (RFC 8252).
      application_type: 'native',
      software_id: 'mcp-auth-client',
      ...(this.#options.scope ? { scope: this.#options.scope } : {}),
    } as OAuthClientMetadata;
  }

  /** The `state` of the flow in progress (RFC 6749 §10.12), checked at the callback. */
  state(): string {
    this.#state = randomBytes(24).toString('base64url');
    return this.#state;
  }

  get currentState(): string | undefined {
    return this.#state;
  }

  async clientInformation(
    ctx?: OAuthClientInformationContext,
  ): Promise<StoredOAuthClientInformation | undefined> {
    const preregistered = this.#options.preregistered;
    if (preregistered) {
      return {
        client_id: preregistered.clientId,
        ...(preregistered.clientSecret ? { client_secret: preregistered.clientSecret } : {}),
      } as StoredOAuthClientInformation;
    }
    const issuer = ctx?.issuer ?? this.#issuer ?? (await this.#serverIssuer());
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

  /** The saved token set for this server, only if it came from `issuer` (when given). */
  async savedTokens(issuer?: string): Promise<SavedTokens | undefined> {
    const knownIssuer = issuer ?? this.#issuer ?? (await this.#serverIssuer());
    if (!knownIssuer) return undefined;
    const saved = await this.#options.store.read<SavedTokens>(
      this.#options.store.tokensPath(knownIssuer, this.#options.resource),
    );
    if (!saved || saved.issuer !== knownIssuer) return undefined;
    this.#issuer = knownIssuer;
    return saved;
  }

  async saveTokens(tokens: StoredOAuthTokens, ctx?: OAuthClientInformationContext): Promise<void> {
    const issuer =
      ctx?.issuer ?? (tokens as { issuer?: string }).issuer ?? this.#issuer ?? (await this.#serverIssuer());
    if (!issuer)
      throw new Error('cannot store tokens without knowing which authorization server issued them');
    this.#issuer = issuer;
    const saved: SavedTokens = {
      issuer,
      tokens,
      savedAt: Date.now(),
      ...(typeof tokens.expires_in === 'number' ? { expiresAt: Date.now() + tokens.expires_in * 1000 } : {}),
    };
    await this.#options.store.write(this.#options.store.tokensPath(issuer, this.#options.resource), saved);
    await this.#options.store.write(this.#options.store.serverPath(this.#options.resource), {
      issuer,
    } satisfies ServerPointer);
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    await this.#options.onAuthorizationUrl(authorizationUrl);
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
    const issuer = this.#issuer ?? (await this.#serverIssuer());
    if ((scope === 'all' || scope === 'tokens') && issuer) {
      await this.#options.store.remove(this.#options.store.tokensPath(issuer, this.#options.resource));
    }
    if ((scope === 'all' || scope === 'client') && issuer && !this.#options.preregistered) {
      await this.#options.store.remove(this.#options.store.clientPath(issuer));
    }
    if (scope === 'all' || scope === 'verifier') this.#codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }

  /** Forgets this server's tokens (logout); the registration with the AS is kept. */
  async forgetTokens(): Promise<SavedTokens | undefined> {
    const saved = await this.savedTokens();
    const issuer = saved?.issuer ?? (await this.#serverIssuer());
    if (issuer)
      await this.#options.store.remove(this.#options.store.tokensPath(issuer, this.#options.resource));
    await this.#options.store.remove(this.#options.store.serverPath(this.#options.resource));
    return saved;
  }

  async #serverIssuer(): Promise<string | undefined> {
    const pointer = await this.#options.store.read<ServerPointer>(
      this.#options.store.serverPath(this.#options.resource),
    );
    return pointer?.issuer;
  }
}
