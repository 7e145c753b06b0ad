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

/**
 * What the consent page shows (MCP 2026-07-28 Security Considerations §Localhost Redirect URI
 * Risks and §Confused Deputy Problem):
 * who asks (self-declared name and client id), where the answer goes (redirect host, with a
 * warning when it is only this computer), which resource, and each new scope in words.
 */
export function describeConsent(details: InteractionDetails, client: Client, registry: ResourceRegistry) {
  const redirect = redirectUriOf(details);
  const promptDetails = details.prompt.details as {
    missingResourceScopes?: Record<string, string[]>;
    missingOIDCScope?: string[];
  };
  const resources = Object.entries(promptDetails.missingResourceScopes ?? {}).map(([uri, scopeNames]) => {
    const resource = registry.find(uri);
    return {
      uri,
      name: resource?.name ?? uri,
      scopes: scopeNames.map((name) => {
        const known = resource?.scopes.find((scope) => scope.name === name);
        return {
          name,
          description: known?.description ?? name,
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
