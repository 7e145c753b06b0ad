/** Exit codes that tell scripts what went wrong (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, toolError: 4 } as const;

/** Signing in did not work: denied, timed out, refused by the AS. Exit code 3. */
export class AuthFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthFailure';
  }
}

/** A mistake in how the client was called: exit code 2 (the one UsageError all programs share). */
export { UsageError } from '@mcp-auth/shared';
