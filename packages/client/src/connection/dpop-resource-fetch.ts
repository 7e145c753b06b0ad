import { type FetchLike, withDpop } from '@modelcontextprotocol/client';
import { isDpopTokenType } from '../oauth/dpop-key-holder.ts';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';

/**
 * The fetch of the transports: DPoP-bound tokens go as `Authorization: DPoP` with a proof per
 * request, and an MCP server's `use_dpop_nonce` is answered once (RFC 9449 §7, §9; the SDK's
 * `withDpop`); Bearer tokens pass as they are.
 */
export function dpopResourceFetch(provider: FileOAuthProvider, fetch: FetchLike): FetchLike {
  return withDpop(
    () => provider.savedDpopSession(),
    async () => {
      const tokens = await provider.tokens();
      return isDpopTokenType(tokens?.token_type) ? tokens?.access_token : undefined;
    },
  )(fetch);
}
