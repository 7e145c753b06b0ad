import { AuthFailure } from './errors.ts';

/**
 * Authorizations (browser sign-ins) and step-ups per operation, at most: MCP "Step-Up
 * Authorization Flow" asks clients to retry a few times, then treat it as a lasting failure.
 */
const MAX_ATTEMPTS = 3;

export function notSignedIn(serverUrl: string): AuthFailure {
  return new AuthFailure(`not signed in to ${serverUrl}; run mcp-auth-client --url ${serverUrl} to sign in`);
}

/** What one operation (a connect, a call) may still do to get the access it needs. */
export class OperationLimits {
  readonly #maySignIn: boolean;
  #authorizations = 0;
  #stepUps = 0;

  constructor(maySignIn: boolean) {
    this.#maySignIn = maySignIn;
  }

  /** Counts a browser sign-in about to be presented, or says why there may be none. */
  startAuthorization(interactive: boolean, serverUrl: string): void {
    if (!interactive || !this.#maySignIn) throw notSignedIn(serverUrl);
    // Counted before another one is started.
    if (this.#authorizations >= MAX_ATTEMPTS) {
      throw new AuthFailure(
        'signing in did not give this client the access it needs; stopping after three attempts ' +
          '(ask the administrator of the authorization server for that access)',
      );
    }
    this.#authorizations += 1;
  }

  /** Counts a step-up; `needs` says what the server asks for ("`x` needs the `admin` permission"). */
  startStepUp(needs: string): void {
    if (++this.#stepUps > MAX_ATTEMPTS) {
      throw new AuthFailure(
        `${needs}, which the authorization server did not grant after ${MAX_ATTEMPTS} sign-ins; ask its administrator for it`,
      );
    }
  }
}
