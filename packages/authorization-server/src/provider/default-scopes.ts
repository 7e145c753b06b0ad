import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { ResourceRegistry } from '../resource-registry.ts';

/**
 * RFC 6749 §3.3: when a client omits `scope`, the AS "MUST either process the request using a
 * pre-defined default value or fail the request indicating an invalid scope". MCP authorization
 * ("Scope Selection Strategy") lets a client omit it and leaves the choice to the AS. So an
 * authorization request that names none of its resource's scopes (no `scope`, or only
 * `offline_access` / `openid`) asks for that resource's default scopes (`defaultScopes` in the
 * registry): the consent page shows them and the token carries them. Without this, the consent
 * page listed nothing and the sign-in ended in `access_denied`.
 *
 * Installed as oidc-provider's `extraParams` validator of `scope`, which runs after the resource
 * is resolved (RFC 8707, including the sole-resource default) and before the prompts, and whose
 * documented use includes assigning defaults; the changed parameters are what the interaction
 * saves, so consent and the code see the same scopes. A client whose registered `scope` allows
 * none of the defaults gets `invalid_scope` before sign-in, not an empty consent page.
 */
export function assignDefaultScopes(registry: ResourceRegistry) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const { oidc } = ctx;
    const resources = Object.keys(oidc.resourceServers ?? {})
      .map((identifier) => registry.find(identifier))
      .filter((resource) => resource !== undefined);
    if (resources.length === 0) return;
    const requested = (typeof oidc.params?.scope === 'string' ? oidc.params.scope : '')
      .split(' ')
      .filter(Boolean);
    const asksForResourceScope = resources.some((resource) =>
      resource.scopes.some((scope) => requested.includes(scope.name)),
    );
    if (asksForResourceScope) return;
    const allowList = oidc.client?.scope ? new Set(oidc.client.scope.split(' ')) : undefined;
    const defaults = [...new Set(resources.flatMap((resource) => resource.defaultScopes))];
    const granted = defaults.filter((name) => !allowList || allowList.has(name));
    if (granted.length === 0) {
      throw new errors.InvalidScope(
        `no scope was requested and this app may not have the default scopes (${defaults.join(' ')}): request a scope it was registered for`,
        defaults.join(' '),
      );
    }
    (oidc.params as { scope?: string }).scope = [...requested, ...granted].join(' ');
  };
}
