import {
  Client,
  type FetchLike,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { type AnswerElicitation, elicitationRequestOf } from '../elicitation/elicitation-request.ts';
import type { DpopMode } from '../oauth/dpop-keys.ts';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import type { SavedTokens } from '../oauth/saved-tokens.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import type { SignInTrace } from '../trace/sign-in-trace.ts';
import { Authorization } from './authorization.ts';
import type { BrowserMode } from './authorization-browser.ts';
import { BrowserSignIn } from './browser-sign-in.ts';
import { findCause } from './errors.ts';
import { explainFailure } from './explain-failure.ts';
import { observedFetch, ScopeChallenge, type ServerAnswer } from './observed-fetch.ts';

export interface ConnectionOptions {
  readonly url: string;
  readonly transport: 'streamable-http' | 'sse';
  readonly store: CredentialStore;
  readonly callbackPort: number;
  readonly browser: BrowserMode;
  /** `--scope`: asked for in every authorization, together with what the server asks. */
  readonly scope?: string;
  readonly preregistered?: { clientId: string; clientSecret?: string };
  readonly clientMetadataUrl?: string;
  /** When sign-ins ask for DPoP-bound tokens (RFC 9449); `auto` when absent. */
  readonly dpop?: DpopMode;
  /** May the client open a browser at all? `status` and scripted runs say no. */
  readonly interactive: boolean;
  readonly say: (line: string) => void;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signInTimeoutMs?: number;
  /** `--trace`: every exchange, the browser step and the callback, explained. */
  readonly trace?: SignInTrace | undefined;
  /**
   * Answers the server's elicitation requests (form and URL mode). Without it the client declares
   * no elicitation capability, so a server does not ask (MCP 2025-11-25 §Elicitation, Capabilities).
   */
  readonly elicitation?: AnswerElicitation;
}

export interface RunOptions {
  /** Cancels the operation, and a sign-in it waits for (the listener closes at once). */
  readonly signal?: AbortSignal;
  /** May this operation start a browser sign-in (default yes, when the connection is interactive)? */
  readonly signIn?: boolean;
}

const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/**
 * One MCP server, signed in. Connecting uses stored tokens when it can (refreshing them when
 * they are about to expire), and otherwise signs in through the browser; an operation the
 * server refuses for want of a sign-in (401) or of scope (403) is tried again once the sign-in
 * is done (authorization.ts decides when and for what). Failures come out explained
 * (explain-failure.ts). The loopback callback listens only while a sign-in may follow.
 */
export class McpConnection {
  readonly #options: ConnectionOptions;
  readonly #serverUrl: URL;
  readonly #signIn: BrowserSignIn;
  readonly #fetch: FetchLike;
  readonly #authorization: Authorization;
  #client: Client | undefined;
  #lastAnswer: ServerAnswer | undefined;
  /** Operations run one at a time (the REPL's completion may ask while a command runs). */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#serverUrl = new URL(options.url);
    this.#signIn = new BrowserSignIn({
      callbackPort: options.callbackPort,
      browser: options.browser,
      say: options.say,
      stderr: options.stderr,
      env: options.env,
      timeoutMs: options.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS,
      trace: options.trace,
    });
    this.#fetch = observedFetch({
      serverUrl: this.#serverUrl,
      record: (answer) => {
        this.#lastAnswer = answer;
      },
      trace: options.trace,
    });
    this.#authorization = new Authorization({
      url: options.url,
      store: options.store,
      scope: options.scope,
      preregistered: options.preregistered,
      clientMetadataUrl: options.clientMetadataUrl,
      dpop: options.dpop,
      interactive: options.interactive,
      say: options.say,
      signIn: this.#signIn,
      fetch: this.#fetch,
      trace: options.trace,
    });
  }

  static async open(options: ConnectionOptions): Promise<McpConnection> {
    const connection = new McpConnection(options);
    try {
      await connection.#perform({}, async () => {
        await connection.#authorization.refreshIfExpiring();
        await connection.#connected();
      });
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  get provider(): FileOAuthProvider {
    return this.#authorization.provider;
  }

  /** Runs an operation, signing in first when the server asks (401, step-up), then again. */
  async run<T>(operation: (client: Client) => Promise<T>, options: RunOptions = {}): Promise<T> {
    return this.#perform(options, async () => operation(await this.#connected()));
  }

  async savedTokens(): Promise<SavedTokens | undefined> {
    return this.#authorization.provider.savedTokens();
  }

  async close(): Promise<void> {
    await this.#disconnect();
    await this.#signIn.end();
  }

  #perform<T>(options: RunOptions, action: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(() => this.#attempt(options, action));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #attempt<T>(options: RunOptions, action: () => Promise<T>): Promise<T> {
    this.#authorization.begin(options.signIn ?? true);
    try {
      for (;;) {
        this.#lastAnswer = undefined;
        try {
          return await action();
        } catch (error) {
          if (options.signal?.aborted) throw error;
          await this.#recover(error, options.signal);
        }
      }
    } catch (error) {
      throw explainFailure(error, {
        serverUrl: this.#options.url,
        transport: this.#options.transport,
        lastAnswer: this.#lastAnswer,
      });
    } finally {
      await this.#authorization.end();
    }
  }

  /** Completes what a failure asked for (a sign-in, a step-up), or throws it. */
  async #recover(error: unknown, signal: AbortSignal | undefined): Promise<void> {
    const recovered = await this.#authorization.recover(error, signal, findCause(error, ScopeChallenge));
    if (!recovered) throw error;
    // New tokens may belong to another principal, and the server binds sessions to the one that
    // opened them: the next try connects afresh.
    await this.#disconnect();
  }

  async #connected(): Promise<Client> {
    if (this.#client) return this.#client;
    const answer = this.#options.elicitation;
    const client = new Client(
      { name: 'mcp-auth-client', version: '0.1.0' },
      {
        ...(this.#options.transport === 'streamable-http' ? { versionNegotiation: { mode: 'auto' } } : {}),
        // SEP-1034: `applyDefaults` has the SDK fill in a field's default the answer leaves out.
        ...(answer ? { capabilities: { elicitation: { form: { applyDefaults: true }, url: {} } } } : {}),
      },
    );
    if (answer) {
      client.setRequestHandler('elicitation/create', async (request, context) => {
        const elicitation = elicitationRequestOf(request.params as Record<string, unknown>);
        // The SDK has validated the request; one that fits neither mode is declined, not guessed at.
        if (!elicitation) return { action: 'decline' };
        return answer(elicitation, context.mcpReq.signal);
      });
    }
    const options = {
      authProvider: this.#authorization.authProvider,
      fetch: this.#authorization.resourceFetch,
    };
    const transport: Transport =
      this.#options.transport === 'sse'
        ? new SSEClientTransport(this.#serverUrl, options)
        : new StreamableHTTPClientTransport(this.#serverUrl, options);
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    this.#client = client;
    return client;
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => {});
  }
}
