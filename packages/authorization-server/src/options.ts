import {
  DEFAULT_AUTHORIZATION_SERVER_PORT,
  describeOptionErrors,
  isLoopbackHostname,
} from '@mcp-auth/shared';
import { z } from 'zod';
import { DEFAULT_DYNAMIC_CLIENT_LIMITS } from './clients/dynamic-client-registration.ts';
import { insecureIssuerProblem, issuerSchema } from './issuer.ts';
import { demoResourceRegistry, resourceRegistrySchema } from './resource-registry.ts';

export { describeOptionErrors, isLoopbackHostname };

/** Everything `startAuthorizationServer` needs, validated once at start-up. */
export const authorizationServerOptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(DEFAULT_AUTHORIZATION_SERVER_PORT),
    host: z.string().min(1).default('127.0.0.1'),
    /** Defaults to `http://localhost:<port>`. */
    issuer: issuerSchema.optional(),
    dataDir: z.string().min(1),
    /** PostgreSQL instead of SQLite, for several AS instances sharing one database. */
    database: z
      .object({
        url: z.string().refine((value) => /^postgres(?:ql)?:\/\//.test(value), 'a postgres:// URL'),
        schema: z.string().min(1).max(63).optional(),
      })
      .optional(),
    resources: resourceRegistrySchema.default(() => resourceRegistrySchema.parse(demoResourceRegistry())),
    /** Trust `X-Forwarded-*` from a reverse proxy (client IPs for rate limits, https). */
    trustProxy: z.boolean().default(false),
    /**
     * Development only: let Client ID Metadata Documents be fetched from loopback addresses.
     * Private and link-local addresses stay refused.
     */
    dangerouslyAllowLoopbackClientMetadata: z.boolean().default(false),
    /** Development only: accept a plain-http issuer that is not loopback (OAuth 2.1 §1.5 forbids). */
    dangerouslyAllowInsecureIssuer: z.boolean().default(false),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** The security audit log's own file (appended); without it, audit lines go to the log stream. */
    auditLogFile: z.string().min(1).optional(),
    /**
     * Prometheus `/metrics` on a listener of its own, never the public port; off unless a port is
     * given. Loopback by default: expose it to your monitoring only.
     */
    metrics: z
      .object({
        port: z.number().int().min(0).max(65535),
        host: z.string().min(1).default('127.0.0.1'),
      })
      .optional(),
    rateLimits: z
      .object({
        registrationPerMinute: z.number().int().min(1).default(20),
        /** Failed sign-ins per minute, per address and per username. */
        failedSignInsPerMinute: z.number().int().min(1).default(10),
      })
      .default({ registrationPerMinute: 20, failedSignInsPerMinute: 10 }),
    /**
     * How long what the AS issues lives, for people testing their clients' expiry handling
     * (`--access-token-ttl` and the others; see README "Test your own client").
     */
    tokenLifetimes: z
      .object({
        /** Access tokens of resources that set no `accessTokenTtlSeconds` (default 3600 opaque, 300 jwt). */
        accessTokenSeconds: z
          .number()
          .int()
          .min(1)
          .max(24 * 3600)
          .optional(),
        /** Refresh tokens (default 30 days for public clients, 90 days for confidential ones). */
        refreshTokenSeconds: z
          .number()
          .int()
          .min(1)
          .max(365 * 24 * 3600)
          .optional(),
        /** Authorization codes: OAuth 2.1 §4.1.2 recommends at most 10 minutes. */
        codeSeconds: z.number().int().min(1).max(600).default(60),
      })
      .default({ codeSeconds: 60 }),
    /** RFC 7591 registration: how many clients it may hold, how long they live (see README). */
    dynamicClients: z
      .object({
        max: z.number().int().min(1).default(DEFAULT_DYNAMIC_CLIENT_LIMITS.max),
        unusedLifetimeSeconds: z
          .number()
          .int()
          .min(60)
          .default(DEFAULT_DYNAMIC_CLIENT_LIMITS.unusedLifetimeSeconds),
        idleLifetimeSeconds: z
          .number()
          .int()
          .min(2 * 24 * 3600)
          .default(DEFAULT_DYNAMIC_CLIENT_LIMITS.idleLifetimeSeconds),
      })
      .default(DEFAULT_DYNAMIC_CLIENT_LIMITS),
  })
  .superRefine((options, ctx) => {
    const problem =
      options.issuer && insecureIssuerProblem(options.issuer, options.dangerouslyAllowInsecureIssuer);
    if (problem) ctx.addIssue({ code: 'custom', path: ['issuer'], message: problem });
  });

export type AuthorizationServerOptionsInput = z.input<typeof authorizationServerOptionsSchema>;
export type AuthorizationServerOptions = z.output<typeof authorizationServerOptionsSchema>;
