import type { CredentialStore } from './credential-store.ts';

/**
 * Where the sign-in for a server URL lives: the AS that issued its tokens and the protected
 * resource they are for. Tokens are kept per issuer and resource (RFC 9728 `resource`), not per
 * URL typed, so `…/mcp` and `…/mcp/sse` of one server, which publish the same resource, share
 * one sign-in.
 */
export interface SignInPointer {
  readonly issuer: string;
  readonly resource: string;
}

/** A pointer as stored; records from before resources were kept have no `resource`. */
interface StoredPointer {
  readonly issuer?: unknown;
  readonly resource?: unknown;
}

/**
 * Whether `resource` may describe `serverUrl`: same origin, and the URL's path at or below the
 * resource's (RFC 9728 §3.3 as the MCP SDKs apply it to protected resource metadata).
 */
export function resourceCovers(resource: string, serverUrl: string): boolean {
  const outer = URL.parse(resource);
  const inner = URL.parse(serverUrl);
  if (!outer || !inner || outer.origin !== inner.origin) return false;
  const withSlash = (path: string) => (path.endsWith('/') ? path : `${path}/`);
  return withSlash(inner.pathname).startsWith(withSlash(outer.pathname));
}

/** The URLs above `serverUrl` on its origin, nearest first: `…/mcp/sse` → `…/mcp`, `…/`. */
function enclosingUrls(serverUrl: string): string[] {
  const url = URL.parse(serverUrl);
  if (!url) return [];
  const segments = url.pathname.split('/').filter(Boolean);
  const enclosing: string[] = url.search ? [`${url.origin}${url.pathname}`] : [];
  for (let length = segments.length - 1; length >= 0; length--) {
    const path = segments.slice(0, length).join('/');
    enclosing.push(path ? `${url.origin}/${path}` : `${url.origin}/`);
  }
  enclosing.push(url.origin);
  return [...new Set(enclosing)].filter((candidate) => candidate !== serverUrl);
}

async function readPointer(store: CredentialStore, url: string): Promise<StoredPointer | undefined> {
  return store.read<StoredPointer>(store.serverPath(url));
}

/**
 * The sign-in for `serverUrl`: the URL's own pointer, else that of a protected resource that
 * covers it (signed in through another URL of the same server). An old pointer without a
 * resource names the URL itself, as tokens were once kept per URL typed.
 */
export async function findSignInPointer(
  store: CredentialStore,
  serverUrl: string,
): Promise<SignInPointer | undefined> {
  const own = await readPointer(store, serverUrl);
  if (typeof own?.issuer === 'string') {
    return { issuer: own.issuer, resource: typeof own.resource === 'string' ? own.resource : serverUrl };
  }
  for (const candidate of enclosingUrls(serverUrl)) {
    const pointer = await readPointer(store, candidate);
    if (
      typeof pointer?.issuer === 'string' &&
      typeof pointer.resource === 'string' &&
      resourceCovers(pointer.resource, serverUrl)
    ) {
      return { issuer: pointer.issuer, resource: pointer.resource };
    }
  }
  return undefined;
}

/** Points `serverUrl`, and the resource itself, at this sign-in. */
export async function saveSignInPointer(
  store: CredentialStore,
  serverUrl: string,
  pointer: SignInPointer,
): Promise<void> {
  const record = { issuer: pointer.issuer, resource: pointer.resource };
  await store.write(store.serverPath(serverUrl), record);
  if (pointer.resource !== serverUrl) await store.write(store.serverPath(pointer.resource), record);
}

/** Forgets the pointers of `serverUrl` and of its resource. */
export async function removeSignInPointer(
  store: CredentialStore,
  serverUrl: string,
  resource: string | undefined,
): Promise<void> {
  await store.remove(store.serverPath(serverUrl));
  if (resource && resource !== serverUrl) await store.remove(store.serverPath(resource));
}
