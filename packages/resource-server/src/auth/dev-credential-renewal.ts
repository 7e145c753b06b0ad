import type { Logger } from '@mcp-auth/shared';
import { resolveIntrospectionCredentials } from './introspection-credentials.ts';
import type { IntrospectionClientCredentials } from './introspection-verifier.ts';

/** Least time between two readings of the file: one reading per burst of refused requests. */
const MIN_INTERVAL_MS = 5000;

/**
 * A local AS started on a fresh data folder writes a new development credential, and refuses the
 * one this RS read at start (RFC 6749 §5.2 `invalid_client`). Then the file is read again (at most
 * once per 5 s, whatever the number of refused requests) and the verifier retries with what it
 * holds now; the log says what happened either way.
 */
export function renewDevCredentialsOnRefusal(options: {
  readonly devCredentialsFile: string;
  readonly authServer: string;
  readonly current: IntrospectionClientCredentials;
  readonly logger: Logger;
  readonly now?: () => number;
}): () => Promise<IntrospectionClientCredentials | undefined> {
  const now = options.now ?? Date.now;
  let current = options.current;
  let lastReading = Number.NEGATIVE_INFINITY;
  const file = options.devCredentialsFile;
  return async () => {
    if (now() - lastReading < MIN_INTERVAL_MS) return undefined;
    lastReading = now();
    let fresh: IntrospectionClientCredentials;
    try {
      fresh = await resolveIntrospectionCredentials({
        authServer: options.authServer,
        devCredentialsFile: file,
      });
    } catch (error) {
      options.logger.warn(
        `the authorization server refused the development introspection credential; reading ${file} again failed: ${(error as Error).message}`,
        { clientId: current.clientId },
      );
      return undefined;
    }
    if (fresh.clientId === current.clientId && fresh.clientSecret === current.clientSecret) {
      options.logger.warn(
        `the authorization server refused the development introspection credential, and ${file} still holds the same one; was the authorization server's data folder replaced? Restart mcp-auth-as, or pass --dev-credentials-file with its folder`,
        { clientId: current.clientId },
      );
      return undefined;
    }
    options.logger.warn(
      `the authorization server refused the development introspection credential (its data folder was probably reset); read ${file} again and using the new one`,
      { clientId: fresh.clientId },
    );
    current = { clientId: fresh.clientId, clientSecret: fresh.clientSecret };
    return current;
  };
}
