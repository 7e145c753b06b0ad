import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestTargetUrl } from '@mcp-auth/shared';

export interface CallbackResult {
  readonly params: URLSearchParams;
}

/** Told of each callback request (`--trace`): its URL, and whether its `state` was the one awaited. */
export type CallbackObserver = (url: URL, accepted: boolean) => void;

const PAGE = (title: string, message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;background:#f4f5f7;color:#1b1f24}
main{background:#fff;border:1px solid #d8dce2;border-radius:12px;padding:2rem 2.5rem;max-width:28rem}h1{margin-top:0;font-size:1.3rem}
@media (prefers-color-scheme:dark){body{background:#111418;color:#e8ebef}main{background:#1b2027;border-color:#323a45}}</style>
</head><body><main><h1>${title}</h1><p>${message}</p></main></body></html>`;

/**
 * The loopback redirect target of the authorization code flow (RFC 8252 §7.3): listens on
 * 127.0.0.1 only, accepts exactly one callback whose `state` matches (RFC 6749 §10.12), reached by
 * its loopback name and from no web page (DNS rebinding, a page's script), shows
 * a short page, and closes. Any port works with an AS that follows RFC 8252; the preferred port
 * is tried first, then any free one.
 */
export class LoopbackCallbackServer {
  readonly #server: Server;
  readonly #path: string;
  readonly #observe: CallbackObserver | undefined;
  #expectedState: string | undefined;
  #settle: { resolve: (result: CallbackResult) => void; reject: (error: Error) => void } | undefined;
  #port = 0;

  private constructor(server: Server, path: string, observe: CallbackObserver | undefined) {
    this.#server = server;
    this.#path = path;
    this.#observe = observe;
    server.on('request', (req, res) => {
      // `//%20` is no URL reference and would make `new URL` throw, uncaught, ending the listener
      // (and the sign-in) for a request any local program can send.
      const url = requestTargetUrl(req);
      if (req.method !== 'GET' || url?.pathname !== this.#path) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.setHeader('referrer-policy', 'no-referrer');
      if (!this.#reachedDirectly(req)) {
        // A rebinding page's name, or a page's script: never the browser following the redirect.
        this.#observe?.(new URL(url.pathname + url.search, this.redirectUrl), false);
        res.statusCode = 403;
        res.end(
          PAGE('Sign-in not recognised', 'This request did not come from the sign-in. Close this tab.'),
        );
        return;
      }
      const state = url.searchParams.get('state');
      if (!this.#expectedState || state !== this.#expectedState || hasRepeatedParameter(url.searchParams)) {
        // Not our flow (a stale tab, or a forged request): refuse, and keep waiting for ours.
        this.#observe?.(new URL(url.pathname + url.search, this.redirectUrl), false);
        res.statusCode = 400;
        res.end(
          PAGE(
            'Sign-in not recognised',
            'This response does not belong to the sign-in the app started. Close this tab.',
          ),
        );
        return;
      }
      const error = url.searchParams.get('error');
      res.end(
        error
          ? PAGE(
              'Sign-in not completed',
              'The app was not given access. You can close this tab and return to the terminal.',
            )
          : PAGE('Signed in', 'You can close this tab and return to the terminal.'),
      );
      this.#expectedState = undefined;
      this.#observe?.(new URL(url.pathname + url.search, this.redirectUrl), true);
      this.#settle?.resolve({ params: url.searchParams });
    });
  }

  /**
   * The browser following the AS's redirect names this listener as the redirect URI does
   * (`127.0.0.1:<port>`) and, on that top-level GET, sends no `Origin` (Fetch standard: only CORS
   * and non-GET requests carry one). Another `Host` is a name rebound to 127.0.0.1 (DNS
   * rebinding); an `Origin` is a web page's script.
   */
  #reachedDirectly(req: IncomingMessage): boolean {
    return req.headers.host?.toLowerCase() === `127.0.0.1:${this.#port}` && req.headers.origin === undefined;
  }

  static async listen(
    preferredPort: number,
    path = '/callback',
    observe?: CallbackObserver,
  ): Promise<LoopbackCallbackServer> {
    const server = createServer();
    const callback = new LoopbackCallbackServer(server, path, observe);
    try {
      await listenOn(server, preferredPort);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferredPort === 0) throw error;
      await listenOn(server, 0);
    }
    callback.#port = (server.address() as AddressInfo).port;
    return callback;
  }

  get redirectUrl(): string {
    return `http://127.0.0.1:${this.#port}${this.#path}`;
  }

  /** Waits for the callback of the flow whose `state` is given, up to `timeoutMs`. */
  waitFor(state: string, timeoutMs: number): Promise<CallbackResult> {
    this.#expectedState = state;
    return new Promise<CallbackResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#expectedState = undefined;
        reject(
          new Error(
            `no answer from the browser within ${Math.round(timeoutMs / 60_000)} minutes; run the command again to retry`,
          ),
        );
      }, timeoutMs);
      timer.unref();
      this.#settle = {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  cancel(reason: Error): void {
    this.#settle?.reject(reason);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** RFC 6749 §3.1: a response parameter appears once; a repeated one is not our AS's answer. */
function hasRepeatedParameter(params: URLSearchParams): boolean {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}
