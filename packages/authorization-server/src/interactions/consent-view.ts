import { LOOPBACK_HOST_NAMES } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { clientNameToShow } from '../pages/index.ts';
import type { ResourceRegistry } from '../resource-registry.ts';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;
type Client = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;

/** The redirect URI the authorization request named (already validated by oidc-provider). */
function redirectUriOf(details: InteractionDetails): URL | undefined {
  const value = details.params.redirect_uri;
  return typeof value === 'string' ? (URL.parse(value) ?? undefined) : undefined;
}

/**
 * The origins a form post on our pages may end up redirected to: the client's redirect URI,
 * for the CSP `form-action` directive. Custom-scheme (native app) URIs are allowed by scheme.
 */
export function formTargetsFor(details: InteractionDetails): string[] {
  const redirect = redirectUriOf(details);
  if (!redirect) return [];
  if (redirect.protocol === 'http:' || redirect.protocol === 'https:') return [redirect.origin];
  return [redirect.protocol];
}

/** The resource indicators the authorization request named (RFC 8707 §2), else the sole one. */
function requestedResources(details: InteractionDetails, registry: ResourceRegistry): string[] {
  const named = details.params.resource;
  const list = Array.isArray(named) ? named : typeof named === 'string' ? [named] : [];
  const canonical = list.map((uri) => registry.find(String(uri))?.uri ?? String(uri));
  if (canonical.length > 0) return canonical;
  return registry.soleResource ? [registry.soleResource.uri] : [];
}

/**
 * Per resource, every scope this authorization will give the app: the ones it asks for that the
 * resource defines (after the AS's defaults, provider/default-scopes.ts), and the ones the consent prompt found missing (marked new). A client asked
 * again although it holds everything (RFC 8252 §8.6: loopback redirects are always asked) still
 * sees what it is allowing, not an empty list.
 */
function scopesByResource(
  details: InteractionDetails,
  registry: ResourceRegistry,
  missing: Record<string, string[]>,
): Map<string, { names: Set<string>; fresh: Set<string> }> {
  const asked = new Set(
    String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean),
  );
  const byResource = new Map<string, { names: Set<string>; fresh: Set<string> }>();
  const entry = (uri: string) => {
    const key = registry.find(uri)?.uri ?? uri;
    let found = byResource.get(key);
    if (!found) {
      found = { names: new Set(), fresh: new Set() };
      byResource.set(key, found);
    }
    return found;
  };
  for (const uri of requestedResources(details, registry)) {
    const into = entry(uri);
    for (const scope of registry.find(uri)?.scopes ?? [])
      if (asked.has(scope.name)) into.names.add(scope.name);
  }
  for (const [uri, names] of Object.entries(missing)) {
    const into = entry(uri);
    for (const name of names) {
      into.names.add(name);
      into.fresh.add(name);
    }
  }
  return byResource;
}

/**
 * What the consent page shows (MCP 2026-07-28 Security Considerations §Localhost Redirect URI
 * Risks and §Confused Deputy Problem):
 * who asks (self-declared name and client id), where the answer goes (redirect host, with a
 * warning when it is only this computer), which resource by its name, and each scope in words,
 * those not allowed before marked new.
 */
export function describeConsent(details: InteractionDetails, client: Client, registry: ResourceRegistry) {
  const redirect = redirectUriOf(details);
  const promptDetails = details.prompt.details as {
    missingResourceScopes?: Record<string, string[]>;
    missingOIDCScope?: string[];
  };
  const byResource = scopesByResource(details, registry, promptDetails.missingResourceScopes ?? {});
  // A resource the request names none of whose scopes it gets is not shown as an empty list.
  const resources = [...byResource]
    .filter(([, { names }]) => names.size > 0)
    .map(([uri, { names, fresh }]) => {
      const resource = registry.find(uri);
      // In the order the resource defines its scopes, then any other.
      const defined = (resource?.scopes ?? []).map((scope) => scope.name).filter((name) => names.has(name));
      const ordered = [...defined, ...[...names].filter((name) => !defined.includes(name))];
      return {
        uri,
        name: resource?.name ?? uri,
        scopes: ordered.map((name) => {
          const known = resource?.scopes.find((scope) => scope.name === name);
          return {
            name,
            description: known?.description ?? name,
            isNew: fresh.has(name) && fresh.size < names.size,
            ...(known?.unlocks ? { unlocks: known.unlocks } : {}),
          };
        }),
      };
    });
  return {
    client: {
      name: clientNameToShow(client.clientName, client.clientId),
      id: client.clientId,
      ...(client.clientUri ? { uri: client.clientUri } : {}),
    },
    redirectUri: redirect?.href ?? '',
    redirectHostOnlyLoopback: redirect ? LOOPBACK_HOST_NAMES.has(redirect.hostname) : false,
    resources,
    offlineAccess: (promptDetails.missingOIDCScope ?? []).includes('offline_access'),
  };
}
