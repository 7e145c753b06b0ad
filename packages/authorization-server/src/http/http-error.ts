/**
 * An error that maps to one HTTP response: status, an RFC 6749 §5.2-style error code and a
 * description that is safe to show. Anything that is not an HttpError is a 500 whose details
 * go only to the log.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}
