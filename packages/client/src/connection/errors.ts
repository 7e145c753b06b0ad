/** Exit codes that tell scripts what went wrong (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, toolError: 4 } as const;

/**
 * A failure explained for the person at the terminal: the message says what was tried and what
 * to do next, so it is shown as it is, without a stack (that only with --verbose).
 */
export class ClientFailure extends Error {
  readonly exitCode: number = EXIT.failure;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientFailure';
  }
}

/** Signing in did not work: denied, timed out, refused by the AS. Exit code 3. */
export class AuthFailure extends ClientFailure {
  override readonly exitCode: number = EXIT.auth;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthFailure';
  }
}

/** A mistake in how the client was called: exit code 2 (the one UsageError every program shares). */
export { UsageError } from '@mcp-auth/shared';

/**
 * Thrown through the transport when the person must finish a sign-in in the browser: the
 * request fails at once, so no request timeout runs while someone types a password, and the
 * operation is tried again once the sign-in is done. Never shown: the connection completes it.
 */
export class SignInRequired extends Error {
  constructor() {
    super('signing in in the browser is needed first');
    this.name = 'SignInRequired';
  }
}

/** The first error of type `type` in `error`'s cause chain (the SDK wraps what our code throws). */
export function findCause<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof type) return current;
    current = current.cause;
  }
  return undefined;
}
