import { discoverOAuthServerInfo, type FetchLike } from '@modelcontextprotocol/client';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import { resourceCovers, type SignInPointer } from '../store/sign-in-pointer.ts';

/**
 * Reads the protected resource metadata and the AS metadata again (RFC 9728, RFC 8414): the
 * server may now name another AS, whose own registration and tokens are then used. The
 * provider is told what was found (discovery state, and which sign-in applies).
 */
export async function rediscover(
  provider: FileOAuthProvider,
  request: { readonly serverUrl: string; readonly resourceMetadataUrl?: URL; readonly fetch: FetchLike },
): Promise<SignInPointer> {
  const { resourceMetadataUrl } = request;
  const info = await discoverOAuthServerInfo(new URL(request.serverUrl), {
    ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
    fetchFn: request.fetch,
  });
  provider.saveDiscoveryState({
    authorizationServerUrl: String(info.authorizationServerUrl),
    ...(resourceMetadataUrl ? { resourceMetadataUrl: resourceMetadataUrl.href } : {}),
    ...(info.resourceMetadata ? { resourceMetadata: info.resourceMetadata } : {}),
    ...(info.authorizationServerMetadata
      ? { authorizationServerMetadata: info.authorizationServerMetadata }
      : {}),
  });
  const published = info.resourceMetadata?.resource;
  const pointer: SignInPointer = {
    issuer: info.authorizationServerMetadata?.issuer ?? String(info.authorizationServerUrl),
    // A resource that does not cover this URL is refused by auth(), with its own message.
    resource: published && resourceCovers(published, request.serverUrl) ? published : request.serverUrl,
  };
  provider.useSignIn(pointer);
  return pointer;
}
