import type { CredentialStore } from '../store/credential-store.ts';
import type { DpopMode } from './dpop-keys.ts';

/** What the client's OAuthClientProvider is told: where it stores, whom it signs in to, how. */
export interface FileOAuthProviderOptions {
  readonly store: CredentialStore;
  /** The MCP server URL as given (`--url`). */
  readonly serverUrl: string;
  /** The loopback redirect URI; a function when it is known only once the callback listens. */
  readonly redirectUrl: string | (() => string);
  readonly scope?: string;
  /** Pre-registered credentials: first in MCP's registration order. */
  readonly preregistered?: { clientId: string; clientSecret?: string };
  /** A Client ID Metadata Document URL: used when the AS advertises CIMD support. */
  readonly clientMetadataUrl?: string;
  /** Called with the authorization URL when the person must sign in. */
  readonly onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** When to ask for DPoP-bound tokens (RFC 9449; dpop-keys.ts); `auto` when absent. */
  readonly dpop?: DpopMode;
}
