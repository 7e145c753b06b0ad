/**
 * The database cannot be used: one sentence that names the database, the real cause and what
 * to do, for the person at the terminal and for the log. The original error is its `cause`.
 */
export class StorageError extends Error {
  /**
   * What oidc-provider answers when this happens during a request (it takes a non-OAuth error's
   * `statusCode`, body `server_error`): 503 while the cause may pass without a new program (a
   * full disk, a lock held too long), 500 otherwise.
   */
  readonly statusCode: 500 | 503;

  constructor(message: string, options: { cause?: unknown; temporary?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StorageError';
    this.statusCode = options.temporary ? 503 : 500;
  }
}
