import {
  auth,
  Client,
  type FetchLike,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { LoopbackCallbackServer } from '../oauth/callback-server.ts';
import { FileOAuthProvider, type SavedTokens } from '../oauth/file-oauth-provider.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import { type BrowserMode, presentAuthorizationUrl } from './authorization-browser.ts';
import { AuthFailure } from './errors.ts';
import { startSpinner } from './spinner.ts';

export interface ConnectionOptions {
  readonly url: string;
  readonly transport: 'streamable-http' | 'sse';
  readonly store: CredentialStore;
  readonly callbackPort: number;
  readonly browser: BrowserMode;
  readonly scope?: string;
  readonly preregistered?: { clientId: string; clientSecret?: string };
  readonly clientMetadataUrl?: string;
  /** May the client open a browser at all? `status` and scripted runs say no. */
  readonly interactive: boolean;
  readonly say: (line: string) => void;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signInTimeoutMs?: number;
}

const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
/** Refresh this long before the access token expires, not after a failed call. */
const REFRESH_MARGIN_MS = 60_000;
const MAX_AUTHORIZATIONS = 3;

/**
 * One MCP server, signed in. Connecting uses stored tokens when it can (refreshing them when
 * they are about to expire), and otherwise runs the browser sign-in: the SDK's OAuth does
 * discovery, registration, PKCE, `resource`, the `iss` check and step-up; this class runs the
 * loopback callback and the browser. Operations that hit `403 insufficient_scope` sign in
 * again for the larger scope and are retried, a few times at most (SPEC Client.6).
 *
 * The loopback callback listens only once a sign-in may follow: before a refresh, or when the
 * server answers 401 or 403 (#fetchPreparingSignIn). With valid stored tokens no port is opened.
 */
export class McpConnection {
  readonly #options: ConnectionOptions;
  readonly #provider: FileOAuthProvider;
  #callback: LoopbackCallbackServer | undefined;
  #callbackListening: Promise<LoopbackCallbackServer> | undefined;
  #client: Client | undefined;
  #transport: Transport | undefined;
  #pendingAuthorization = false;
  /** The callback of the sign-in in progress, awaited from before the URL is presented. */
  #callbackResult: Promise<{ params: URLSearchParams }> | undefined;
  #authorizations = 0;

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#provider = new FileOAuthProvider({
      store: options.store,
      resource: options.url,
      redirectUrl: () => this.#redirectUrl(),
      ...(options.scope ? { scope: options.scope } : {}),
      ...(options.preregistered ? { preregistered: options.preregistered } : {}),
      ...(options.clientMetadataUrl ? { clientMetadataUrl: options.clientMetadataUrl } : {}),
      onAuthorizationUrl: async (url) => {
        if (!this.#options.interactive) {
          throw new AuthFailure(
            'not signed in to this server; run mcp-auth-client without a command to sign in',
          );
        }
        // SPEC Client.6: a few authorizations at most, counted before another one is started.
        if (this.#authorizations >= MAX_AUTHORIZATIONS) {
          throw new AuthFailure(
            'signing in did not give this client enough access; stopping after three attempts',
          );
        }
        this.#authorizations += 1;
        const state = this.#provider.currentState;
        if (!state) throw new AuthFailure('the sign-in has no state to check');
        // Listen for the callback before anyone can be sent to it: a browser (or an AS that
        // redirects at once) may come back before this method returns.
        const callback = await this.#listenForCallback();
        this.#callbackResult = callback.waitFor(state, this.#options.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS);
        this.#callbackResult.catch(() => {});
        this.#pendingAuthorization = true;
        await presentAuthorizationUrl(url, this.#options.browser, this.#options.say, this.#options.env);
      },
    });
  }

  static async open(options: ConnectionOptions): Promise<McpConnection> {
    const connection = new McpConnection(options);
    try {
      await connection.#refreshIfExpiring();
      await connection.#connect();
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  get provider(): FileOAuthProvider {
    return this.#provider;
  }

  get client(): Client {
    if (!this.#client) throw new Error('not connected');
    return this.#client;
  }

  /** Runs an operation, signing in again (step-up, expired refresh) when the server asks. */
  async run<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await operation(this.client);
      } catch (error) {
        if (!this.#pendingAuthorization && !(error instanceof UnauthorizedError)) throw error;
        if (!this.#pendingAuthorization)
          throw new AuthFailure('the server refused the saved sign-in', { cause: error });
        await this.#completeSignIn();
        await this.#reconnect();
      }
    }
  }

  async savedTokens(): Promise<SavedTokens | undefined> {
    return this.#provider.savedTokens();
  }

  async close(): Promise<void> {
    await this.#client?.close().catch(() => {});
    const callback = await this.#callbackListening?.catch(() => undefined);
    await callback?.close();
  }

  /**
   * The loopback callback (RFC 8252 §7.3), started on first need; the module is loaded then
   * too, so a run with valid stored tokens never loads `node:http`'s server either.
   */
  #listenForCallback(): Promise<LoopbackCallbackServer> {
    this.#callbackListening ??= import('../oauth/callback-server.ts')
      .then(({ LoopbackCallbackServer }) => LoopbackCallbackServer.listen(this.#options.callbackPort))
      .then((callback) => {
        this.#callback = callback;
        return callback;
      });
    return this.#callbackListening;
  }

  /**
   * The redirect URI, the callback's own address. The SDK reads it only inside a sign-in
   * (registration, authorization request, code exchange), which starts either from
   * #refreshIfExpiring or from a 401/403 answer that went through #fetchPreparingSignIn: both
   * have the callback listening first. Reading it earlier is a bug, so it fails loudly instead
   * of registering an address nobody listens on.
   */
  #redirectUrl(): string {
    if (!this.#callback) throw new Error('the sign-in callback is not listening yet');
    return this.#callback.redirectUrl;
  }

  /**
   * The fetch the SDK uses for this connection (MCP requests, and its OAuth requests). 401 (no
   * valid token) and 403 (`insufficient_scope`, step-up) are the answers after which the SDK
   * may start a sign-in (RFC 6750 §3.1): the callback listens before the response reaches it.
   */
  readonly #fetchPreparingSignIn: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (response.status === 401 || response.status === 403) await this.#listenForCallback();
    return response;
  };

  async #connect(): Promise<void> {
    for (;;) {
      const client = new Client(
        { name: 'mcp-auth-client', version: '0.1.0' },
        this.#options.transport === 'streamable-http' ? { versionNegotiation: { mode: 'auto' } } : {},
      );
      const transport = this.#newTransport();
      try {
        await client.connect(transport);
        this.#client = client;
        this.#transport = transport;
        return;
      } catch (error) {
        await client.close().catch(() => {});
        if (!this.#pendingAuthorization) {
          if (error instanceof UnauthorizedError)
            throw new AuthFailure('the server refused to let this client sign in', { cause: error });
          throw error;
        }
        await this.#completeSignIn(transport);
      }
    }
  }

  async #reconnect(): Promise<void> {
    await this.#client?.close().catch(() => {});
    this.#client = undefined;
    await this.#connect();
  }

  #newTransport(): Transport {
    const url = new URL(this.#options.url);
    const options = { authProvider: this.#provider, fetch: this.#fetchPreparingSignIn };
    if (this.#options.transport === 'sse') return new SSEClientTransport(url, options);
    return new StreamableHTTPClientTransport(url, options);
  }

  /** Waits for the browser to come back, then redeems the code (the SDK checks `iss`). */
  async #completeSignIn(transport?: Transport): Promise<void> {
    const callbackResult = this.#callbackResult;
    if (!callbackResult) throw new AuthFailure('no sign-in is in progress');
    const stop = startSpinner(
      this.#options.stderr,
      'Waiting for you to sign in in the browser …',
      this.#options.browser !== 'follow',
    );
    let params: URLSearchParams;
    try {
      ({ params } = await callbackResult);
    } catch (error) {
      throw new AuthFailure((error as Error).message);
    } finally {
      stop();
      this.#pendingAuthorization = false;
      this.#callbackResult = undefined;
    }
    const denied = params.get('error');
    if (denied) {
      // The error text comes from the network; only the standard code is shown (RFC 6749 §4.1.2.1).
      throw new AuthFailure(
        denied === 'access_denied'
          ? 'access was denied in the browser'
          : `the authorization server answered ${denied}`,
      );
    }
    const finisher = (transport ?? this.#transport) as
      | { finishAuth?: (params: URLSearchParams) => Promise<void> }
      | undefined;
    if (!finisher?.finishAuth) throw new AuthFailure('this transport cannot complete a sign-in');
    try {
      await finisher.finishAuth(params);
    } catch (error) {
      throw new AuthFailure(`the sign-in could not be completed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#options.say('Signed in.');
  }

  /** Refreshes a token that expires within a minute, before the first request needs it. */
  async #refreshIfExpiring(): Promise<void> {
    const saved = await this.#provider.savedTokens();
    if (!saved?.tokens.refresh_token || saved.expiresAt === undefined) return;
    if (saved.expiresAt - Date.now() > REFRESH_MARGIN_MS) return;
    // auth() reads the redirect URI up front, and a refresh the AS refuses becomes a sign-in.
    await this.#listenForCallback();
    try {
      const result = await auth(this.#provider, {
        serverUrl: this.#options.url,
        ...(this.#options.scope ? { scope: this.#options.scope } : {}),
      });
      if (result === 'REDIRECT') {
        this.#options.say('Your saved sign-in has expired or was revoked; sign in again in the browser.');
        await this.#completeSignIn(this.#newTransportForFinish());
      }
    } catch (error) {
      if (error instanceof AuthFailure) throw error;
      this.#options.say('Your saved sign-in could not be refreshed; signing in again.');
      await this.#provider.invalidateCredentials('tokens');
    }
  }

  #newTransportForFinish(): Transport {
    return this.#newTransport();
  }
}
