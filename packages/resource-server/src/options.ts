import { DEFAULT_RESOURCE_SERVER_PORT, isLoopbackHostname } from '@mcp-auth/shared';
import { z } from 'zod';

const httpUrl = (what: string) =>
  z.string().refine((value) => {
    const url = URL.parse(value);
    return !!url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.hash;
  }, `${what} must be an absolute http(s) URL without a fragment`);

/** Everything `startResourceServer` needs, validated once at start-up. */
export const resourceServerOptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(DEFAULT_RESOURCE_SERVER_PORT),
    host: z.string().min(1).default('127.0.0.1'),
    /** The Authorization Server's issuer URL (RFC 8414 discovery starts there). */
    authServer: httpUrl('--auth-server'),
    /** The canonical URI of this MCP endpoint (RFC 9728 `resource`); default http://localhost:<port>/mcp. */
    resourceUrl: httpUrl('--resource-url').optional(),
    /** `stateless`: Streamable HTTP with no sessions, for any revision (required by `--workers` above 1). */
    transport: z.enum(['streamable-http', 'sse', 'all', 'stateless']).default('all'),
    tokenVerification: z.enum(['introspection', 'jwt']).default('introspection'),
    introspection: z
      .object({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
      })
      .optional(),
    /** Where to look for the AS's development introspection credential (loopback AS only). */
    devCredentialsFile: z.string().optional(),
    /** How long an introspection result may be reused; revocation takes effect within it. */
    introspectionCacheSeconds: z.number().int().min(0).max(3600).default(30),
    introspectionCacheSize: z.number().int().min(1).default(10_000),
    /** 2025-era sessions the server keeps, on each session transport (memory bound). */
    maxSessions: z.number().int().min(1).max(1_000_000).default(10_000),
    /**
     * Sessions one subject (a machine client, for its own tokens) keeps on each session
     * transport; one more closes its least recently used one. Keeps one person from taking all.
     */
    maxSessionsPerSubject: z.number().int().min(1).max(1_000_000).default(32),
    /** Hosts (Host header) accepted besides the resource URL's own; DNS rebinding protection. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Origins (browser clients) accepted besides the resource URL's own origin. */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /** RFC 9449: accept only DPoP-bound access tokens with proofs; Bearer is refused. */
    requireDpop: z.boolean().default(false),
    /** Only for authorization servers without RFC 8707: skips the audience check. */
    dangerouslyAcceptAnyAudience: z.boolean().default(false),
    /** How long start-up waits for the AS to answer discovery. */
    authServerWaitSeconds: z.number().min(0).max(3600).default(60),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Prometheus `/metrics` on a listener of its own (never the MCP port); off unless a port is given. */
    metrics: z
      .object({
        port: z.number().int().min(0).max(65535),
        host: z.string().min(1).default('127.0.0.1'),
      })
      .optional(),
  })
  .superRefine((options, ctx) => {
    if (options.maxSessionsPerSubject > options.maxSessions) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxSessionsPerSubject'],
        message: `--max-sessions-per-subject (${options.maxSessionsPerSubject}) cannot exceed --max-sessions (${options.maxSessions}); lower one or raise the other`,
      });
    }
    const url = URL.parse(options.authServer);
    if (url && url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        path: ['authServer'],
        message: 'a non-loopback authorization server must use https (OAuth 2.1 §1.5)',
      });
    }
  });

export type ResourceServerOptionsInput = z.input<typeof resourceServerOptionsSchema>;
export type ResourceServerOptions = z.output<typeof resourceServerOptionsSchema>;
