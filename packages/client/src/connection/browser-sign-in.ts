import type { CallbackResult, LoopbackCallbackServer } from '../oauth/callback-server.ts';
import type { SignInTrace } from '../trace/sign-in-trace.ts';
import { type BrowserMode, presentAuthorizationUrl } from './authorization-browser.ts';
import { AuthFailure } from './errors.ts';
import { startSpinner } from './spinner.ts';

export interface BrowserSignInOptions {
  /** Preferred loopback port (any free one when it is busy). */
  readonly callbackPort: number;
  readonly browser: BrowserMode;
  readonly say: (line: string) => void;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** `--trace`: told of the authorization request and of each callback. */
  readonly trace?: SignInTrace | undefined;
}

/**
 * The person's part of a sign-in, one at a time: the loopback listener (RFC 8252 §7.3), the
 * authorization URL, and the wait for the browser to come back. The listener opens before the
 * SDK builds the authorization request (which names its address) and closes as soon as the
 * attempt ends: signed in, refused, timed out, cancelled, or not needed after all (a refresh
 * worked). Nothing listens between sign-ins.
 */
export class BrowserSignIn {
  readonly #options: BrowserSignInOptions;
  #listening: Promise<LoopbackCallbackServer> | undefined;
  /** The redirect URI of the latest attempt; the code exchange names it again after the listener closed. */
  #redirectUrl: string | undefined;
  /** The browser's answer to the URL presented, awaited from before the URL is shown. */
  #answer: Promise<CallbackResult> | undefined;

  constructor(options: BrowserSignInOptions) {
    this.#options = options;
  }

  /** The loopback redirect URI. Reading it before `listen()` is a bug, so it fails loudly. */
  get redirectUrl(): string {
    if (!this.#redirectUrl) throw new Error('the sign-in callback is not listening yet');
    return this.#redirectUrl;
  }

  /** Whether a URL was presented and the browser's answer is still awaited. */
  get pending(): boolean {
    return this.#answer !== undefined;
  }

  /**
   * Starts the loopback listener for an attempt (once per attempt). The module is loaded only
   * now, so a run with valid stored tokens never loads `node:http`'s server.
   */
  async listen(): Promise<void> {
    const { trace } = this.#options;
    this.#listening ??= import('../oauth/callback-server.ts').then(({ LoopbackCallbackServer }) =>
      LoopbackCallbackServer.listen(
        this.#options.callbackPort,
        '/callback',
        trace ? (url, accepted) => trace.callback(url, accepted) : undefined,
      ),
    );
    const listening = this.#listening;
    try {
      this.#redirectUrl = (await listening).redirectUrl;
    } catch (error) {
      if (this.#listening === listening) this.#listening = undefined;
      throw error;
    }
  }

  /** Shows why a sign-in is needed, then the URL (and opens the browser). */
  async present(url: URL, state: string, reason: string | undefined): Promise<void> {
    if (!this.#listening) throw new Error('the sign-in callback is not listening yet');
    const callback = await this.#listening;
    // Awaited before the URL is shown: a browser (or an AS that redirects at once) may come back
    // before presenting returns.
    const answer = callback.waitFor(state, this.#options.timeoutMs);
    answer.catch(() => {});
    this.#answer = answer;
    this.#options.trace?.authorizationRequest(url);
    if (reason) this.#options.say(reason);
    await presentAuthorizationUrl(url, this.#options.browser, this.#options.say, this.#options.env);
  }

  /**
   * The browser's answer (the callback's query). The attempt ends here whatever happens: the
   * spinner stops and the listener closes; `signal` cancels the wait at once.
   */
  async waitForAnswer(signal?: AbortSignal): Promise<URLSearchParams> {
    const answer = this.#answer;
    if (!answer) throw new AuthFailure('no sign-in is in progress; run the command again');
    const stopSpinner = startSpinner(
      this.#options.stderr,
      'Waiting for you to sign in in the browser …',
      // With --trace, steps are printed while the browser is out: a spinner would garble them.
      this.#options.browser !== 'follow' && !this.#options.trace,
    );
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => {
        // At once, inside abort(): the REPL prints its next prompt right after, and clearing the
        // spinner's line later would erase that prompt.
        stopSpinner();
        reject(new AuthFailure('the sign-in was cancelled'));
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return (await Promise.race([answer, cancelled])).params;
    } catch (error) {
      if (error instanceof AuthFailure) throw error;
      throw new AuthFailure((error as Error).message, { cause: error });
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      stopSpinner();
      await this.end();
    }
  }

  /** Ends the attempt, if any: forgets the flow and closes the listener. Safe to call any time. */
  async end(): Promise<void> {
    this.#answer = undefined;
    const listening = this.#listening;
    this.#listening = undefined;
    const callback = await listening?.catch(() => undefined);
    if (!callback) return;
    callback.cancel(new Error('the sign-in ended'));
    await callback.close();
  }
}
