import type { FetchLike } from '@modelcontextprotocol/client';
import type { DpopMode } from '../oauth/dpop-keys.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import type { SignInTrace } from '../trace/sign-in-trace.ts';
import type { BrowserSignIn } from './browser-sign-in.ts';

/** What the client's authorization is told: the server, the store, the flags, how to sign in. */
export interface AuthorizationOptions {
  /** The MCP server URL as given. */
  readonly url: string;
  readonly store: CredentialStore;
  /** `--scope`: asked for in every authorization, together with what the server asks. */
  readonly scope?: string | undefined;
  readonly preregistered?: { clientId: string; clientSecret?: string } | undefined;
  readonly clientMetadataUrl?: string | undefined;
  /** When sign-ins ask for DPoP-bound tokens (RFC 9449); `auto` when absent. */
  readonly dpop?: DpopMode | undefined;
  /** May the client open a browser at all? `status` says no. */
  readonly interactive: boolean;
  readonly say: (line: string) => void;
  readonly signIn: BrowserSignIn;
  /** The fetch the SDK uses (observed-fetch.ts). */
  readonly fetch: FetchLike;
  /** `--trace`: told where the scope of each authorization came from. */
  readonly trace?: SignInTrace | undefined;
}
