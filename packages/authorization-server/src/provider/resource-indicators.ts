import { errors, type ResourceServer } from 'oidc-provider';
import type { SigningAlgorithm } from '../keys/server-secrets.ts';
import type { ResourceRegistry } from '../resource-registry.ts';

/**
 * RFC 8707 resource indicators, backed by the registry. Every access token this AS issues for a
 * resource carries that resource's canonical URI as its only audience (MCP authorization,
 * "Token Audience Binding and Validation"), with the lifetime and format the registry sets.
 */
export function resourceIndicatorsFeature(registry: ResourceRegistry, signingAlg: SigningAlgorithm) {
  return {
    enabled: true,
    // With exactly one resource registered, a request without `resource` is bound to it. With
    // several, the client must say which (MCP clients always send `resource`): a token with no
    // audience would be a token every resource server has to refuse.
    async defaultResource(): Promise<string> {
      const sole = registry.soleResource;
      if (!sole) {
        throw new errors.InvalidTarget(
          'this server protects several resources: name one with the resource parameter',
        );
      }
      return sole.uri;
    },
    // The token endpoint reuses the resource granted at authorization when it names none.
    async useGrantedResource(): Promise<boolean> {
      return true;
    },
    async getResourceServerInfo(_ctx: unknown, resourceIndicator: string): Promise<ResourceServer> {
      const resource = registry.find(resourceIndicator);
      if (!resource) {
        throw new errors.InvalidTarget(`unknown resource ${JSON.stringify(resourceIndicator)}`);
      }
      const info: ResourceServer = {
        scope: resource.scopes.map((scope) => scope.name).join(' '),
        audience: resource.uri,
        accessTokenTTL: resource.accessTokenTtlSeconds,
        accessTokenFormat: resource.tokenFormat,
      };
      if (resource.tokenFormat === 'jwt') {
        // RFC 9068 JWT access tokens (`typ: at+jwt`), signed with the AS's preferred key.
        info.jwt = { sign: { alg: signingAlg } };
      }
      return info;
    },
  };
}
