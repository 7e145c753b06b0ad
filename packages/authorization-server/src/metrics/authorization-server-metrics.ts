import type { IncomingMessage } from 'node:http';
import { createHttpMetrics, type HttpMetrics } from '@mcp-auth/shared/metrics';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { Counter, Registry } from 'prom-client';
import type { SignInMetricOutcome } from '../interactions/interaction-dependencies.ts';

/**
 * The AS's figures for Prometheus, in a registry of its own (one per running server, so that
 * several run side by side in one process). Every label takes values from a fixed set: route
 * names, status codes, grant types oidc-provider enables, limiter names, outcomes.
 */
export class AuthorizationServerMetrics {
  readonly registry = new Registry();
  readonly http: HttpMetrics = createHttpMetrics(this.registry);
  /** The route each request was answered by (the route table's, or oidc-provider's route name). */
  readonly #routes = new WeakMap<IncomingMessage, string>();

  readonly #tokensIssued = new Counter({
    name: 'mcp_auth_tokens_issued_total',
    help: 'Successful token endpoint responses, by grant type.',
    labelNames: ['grant_type'],
    registers: [this.registry],
  });
  readonly #introspections = new Counter({
    name: 'mcp_auth_introspections_total',
    help: 'RFC 7662 introspection answers, by result (active, inactive, error).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly #rateLimitHits = new Counter({
    name: 'mcp_auth_rate_limit_hits_total',
    help: 'Requests refused or held back by a rate limit, by limit.',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly #signIns = new Counter({
    name: 'mcp_auth_sign_ins_total',
    help: 'Sign-in attempts on the sign-in page, by outcome (success, failure, throttled, locked).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor() {
    // Every series exists from the start (at 0), so dashboards and alerts see them before the first event.
    for (const outcome of ['success', 'failure', 'throttled', 'locked']) this.#signIns.labels(outcome).inc(0);
    for (const result of ['active', 'inactive', 'error']) this.#introspections.labels(result).inc(0);
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials']) {
      this.#tokensIssued.labels(grant).inc(0);
    }
    for (const limit of ['registration', 'sign_in']) this.#rateLimitHits.labels(limit).inc(0);
  }

  nameRoute(req: IncomingMessage, route: string): void {
    this.#routes.set(req, route);
  }

  routeOf(req: IncomingMessage): string | undefined {
    return this.#routes.get(req);
  }

  /** A sign-in attempt's outcome; a throttled one is a rate-limit hit too. */
  signIn(outcome: SignInMetricOutcome): void {
    this.#signIns.labels(outcome).inc();
    if (outcome === 'throttled') this.rateLimitHit('sign_in');
  }

  rateLimitHit(limit: 'registration' | 'sign_in'): void {
    this.#rateLimitHits.labels(limit).inc();
  }

  /**
   * Watches oidc-provider's routes: names each request by oidc-provider's route (`token`,
   * `introspection`, `authorization`, …), counts tokens issued and introspection results. A
   * middleware around its router, reading what the request's answer became; nothing is changed.
   */
  observeProvider(provider: Provider): void {
    provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
      try {
        await next();
      } finally {
        const route = ctx.oidc?.route;
        if (route) this.nameRoute(ctx.req, route);
        if (route === 'token' && ctx.status === 200) {
          const grantType = ctx.oidc.params?.grant_type;
          if (typeof grantType === 'string' && /^[a-z_:.-]{1,64}$/.test(grantType)) {
            this.#tokensIssued.labels(grantType).inc();
          }
        }
        if (route === 'introspection') {
          const active = (ctx.body as { active?: unknown } | undefined)?.active;
          const result = ctx.status !== 200 ? 'error' : active === true ? 'active' : 'inactive';
          this.#introspections.labels(result).inc();
        }
      }
    });
  }
}
