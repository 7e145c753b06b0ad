import {
  canonicalResourceUri,
  DEFAULT_MCP_URL,
  DEMO_BASE_SCOPE,
  DEMO_RESOURCE_NAME,
  DEMO_SCOPES,
} from '@mcp-auth/shared';
import { z } from 'zod';

/**
 * The protected resources this AS issues tokens for (RFC 8707 resource indicators).
 * A token's audience is always one registered resource's canonical URI, never a URI the
 * client made up (MCP 2025-06-18+ "Token Audience Binding and Validation").
 */

const scopeSchema = z.object({
  name: z
    .string()
    .regex(
      /^[\x21\x23-\x5b\x5d-\x7e]+$/,
      'a scope is a non-empty run of RFC 6749 §3.3 scope-token characters',
    ),
  description: z.string().min(1),
  /** What the scope unlocks, shown on the consent page (e.g. MCP tool names). */
  unlocks: z.array(z.string().min(1)).optional(),
});

const resourceSchema = z.object({
  uri: z.string().transform((value, ctx) => {
    const canonical = canonicalResourceUri(value);
    if (!canonical) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not an absolute http(s) URI without a fragment (RFC 8707 §2)`,
      });
      return z.NEVER;
    }
    return canonical;
  }),
  name: z.string().min(1),
  scopes: z.array(scopeSchema).min(1),
  /**
   * What a request that names none of this resource's scopes gets (RFC 6749 §3.3 default scope;
   * MCP authorization "Scope Selection Strategy": a client may omit `scope`). Default: the first
   * scope listed, which should be the least privileged one.
   */
  defaultScopes: z.array(z.string()).min(1).optional(),
  tokenFormat: z.enum(['opaque', 'jwt']).default('opaque'),
  /**
   * Access token lifetime in seconds. Short by default: OAuth 2.1 §7.1, MCP security
   * considerations. Default: `--access-token-ttl`, else DEFAULT_ACCESS_TOKEN_TTL_SECONDS.
   */
  accessTokenTtlSeconds: z
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
});

/**
 * A revoked opaque token stops working at an introspecting resource server within its cache
 * bound; a JWT-verifying one (RFC 9068) only learns at `exp`. So a JWT access token's lifetime is
 * the bound on how long a revoked one still works there, and it is short unless the registry says
 * otherwise.
 */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = { opaque: 3600, jwt: 300 } as const;

export const resourceRegistrySchema = z
  .array(
    resourceSchema.superRefine((resource, ctx) => {
      const names = new Set(resource.scopes.map((scope) => scope.name));
      for (const name of resource.defaultScopes ?? []) {
        if (!names.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['defaultScopes'],
            message: `default scope "${name}" is not one of the scopes of ${resource.uri}`,
          });
        }
      }
    }),
  )
  .min(1)
  .superRefine((resources, ctx) => {
    const seen = new Set<string>();
    for (const resource of resources) {
      if (seen.has(resource.uri)) {
        ctx.addIssue({ code: 'custom', message: `resource ${resource.uri} is registered twice` });
      }
      seen.add(resource.uri);
    }
  });

export type ResourceScope = z.infer<typeof scopeSchema>;
/** A resource as configured: its access token lifetime only when it sets its own. */
export type RegisteredResource = z.infer<typeof resourceSchema>;
/** A resource as the AS serves it: every lifetime and its default scopes known. */
export type ProtectedResource = RegisteredResource & {
  readonly accessTokenTtlSeconds: number;
  readonly defaultScopes: readonly string[];
};
export type ResourceRegistryInput = z.input<typeof resourceRegistrySchema>;

export class ResourceRegistry {
  readonly #byUri: ReadonlyMap<string, ProtectedResource>;

  /**
   * `accessTokenTtlSeconds`: the lifetime of access tokens for resources that set none of their
   * own (`--access-token-ttl`); without it, DEFAULT_ACCESS_TOKEN_TTL_SECONDS by token format.
   */
  constructor(
    resources: readonly RegisteredResource[],
    defaults: { readonly accessTokenTtlSeconds?: number | undefined } = {},
  ) {
    this.#byUri = new Map(
      resources.map((resource) => [
        resource.uri,
        {
          ...resource,
          accessTokenTtlSeconds:
            resource.accessTokenTtlSeconds ??
            defaults.accessTokenTtlSeconds ??
            DEFAULT_ACCESS_TOKEN_TTL_SECONDS[resource.tokenFormat],
          defaultScopes: resource.defaultScopes ?? resource.scopes.slice(0, 1).map((scope) => scope.name),
        },
      ]),
    );
  }

  /** The longest lifetime of a JWT access token (RFC 9068) it issues; 0 when it issues none. */
  get longestJwtAccessTokenTtlSeconds(): number {
    const jwt = this.all.filter((resource) => resource.tokenFormat === 'jwt');
    return Math.max(0, ...jwt.map((resource) => resource.accessTokenTtlSeconds));
  }

  get all(): ProtectedResource[] {
    return [...this.#byUri.values()];
  }

  /** Looks a resource indicator up by its canonical form; undefined means `invalid_target`. */
  find(resourceIndicator: string): ProtectedResource | undefined {
    const canonical = canonicalResourceUri(resourceIndicator);
    return canonical === undefined ? undefined : this.#byUri.get(canonical);
  }

  /** With exactly one resource registered, a request without `resource` is bound to it. */
  get soleResource(): ProtectedResource | undefined {
    return this.#byUri.size === 1 ? this.all[0] : undefined;
  }

  /** Every scope any resource defines, for `scopes_supported` (RFC 8414 §2). */
  get allScopeNames(): string[] {
    return [...new Set(this.all.flatMap((resource) => resource.scopes.map((scope) => scope.name)))];
  }
}

/**
 * The scopes the AS offers (RFC 8414 `scopes_supported`): OpenID Connect's `openid`, refresh
 * tokens' `offline_access`, and every resource's. oidc-provider refuses a client whose registered
 * `scope` names another.
 */
export function offeredScopes(registry: ResourceRegistry): string[] {
  return ['openid', 'offline_access', ...registry.allScopeNames];
}

/** The demo MCP server of this repository (packages/resource-server), the default registry. */
export function demoResourceRegistry(): ResourceRegistryInput {
  return [
    {
      uri: DEFAULT_MCP_URL,
      name: DEMO_RESOURCE_NAME,
      scopes: DEMO_SCOPES.map((scope) => ({
        name: scope.name,
        description: scope.description,
        unlocks: [...scope.tools],
      })),
      // Every MCP request to it needs the base scope; `admin` is asked for by step-up.
      defaultScopes: [DEMO_BASE_SCOPE],
      // Its lifetime is `--access-token-ttl`, else the opaque default (one hour).
      tokenFormat: 'opaque',
    },
  ];
}
