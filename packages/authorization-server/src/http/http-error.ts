import { errors } from 'oidc-provider';

/**
 * The AS's one error type for an answer to a request: a status, an RFC 6749 §5.2-style error
 * code and a description written for the client. It is one of oidc-provider's errors, so the same
 * type works everywhere: thrown from our routes, `error-response.ts` answers it; thrown from a
 * hook inside oidc-provider (registration admission), oidc-provider answers it. Anything that is
 * not such an error becomes `server_error` whose details go only to the log.
 */
export class HttpError extends errors.OIDCProviderError {
  /** Response headers that belong with the error (`Allow`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
    super(status, code);
    this.error_description = description;
    // oidc-provider hides the description of a 5xx; ours are written for the client.
    this.expose = true;
    this.headers = headers;
  }
}
