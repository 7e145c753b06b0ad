import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createLogger, type Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { BrowserSessions } from '../account/browser-session.ts';
import { AccountService } from '../accounts/account-service.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditProviderEvents } from '../audit/audit-provider-events.ts';
import { createSafeFetch } from '../client-metadata/safe-fetch.ts';
import { ClientActivity, trackClientUse } from '../clients/client-activity.ts';
import { ClientPrivilegeRecords } from '../clients/client-privileges.ts';
import { expiringDynamicClients, registrationAdmission } from '../clients/dynamic-client-registration.ts';
import { registerPreregisteredClient } from '../clients/preregistered-clients.ts';
import { clientIpResolver } from '../http/client-ip.ts';
import { CsrfProtection } from '../interactions/csrf.ts';
import type { SignInMetricOutcome } from '../interactions/interaction-dependencies.ts';
import { ConsentMemory } from '../interactions/remembered-consent.ts';
import { SignInThrottle } from '../interactions/sign-in-throttle.ts';
import { type Issuer, issuerFrom } from '../issuer.ts';
import { fileSecretsStore } from '../keys/file-secrets-store.ts';
import { startKeyRefresh } from '../keys/key-refresh.ts';
import { keyRetention } from '../keys/key-retention.ts';
import { installKeys } from '../keys/provider-keys.ts';
import { generateServerSecrets } from '../keys/server-secrets.ts';
import { AuthorizationServerMetrics } from '../metrics/authorization-server-metrics.ts';
import {
  type AuthorizationServerOptions,
  type AuthorizationServerOptionsInput,
  authorizationServerOptionsSchema,
} from '../options.ts';
import { createProvider } from '../provider/create-provider.ts';
import {
  DEV_INTROSPECTION_PRIVILEGES,
  devIntrospectionClient,
} from '../provider/dev-introspection-client.ts';
import { createOidcAdapterFactory } from '../provider/oidc-adapter.ts';
import { rateLimiterFactory } from '../rate-limits/rate-limiter-factory.ts';
import { ResourceRegistry } from '../resource-registry.ts';
import { explainDataDirError } from '../storage/data-dir-errors.ts';
import { dataDirFiles, openStorage } from '../storage/open-storage.ts';
import { startStoragePurges } from '../storage/purge-expired.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';
import type { AuthorizationServerApp, AuthorizationServerOverrides } from './app-contract.ts';
import { prepareDevelopmentAids } from './development-aids.ts';
import { appRequestHandler } from './routes.ts';

export type { AuthorizationServerApp, AuthorizationServerOverrides } from './app-contract.ts';

/**
 * The one builder of the AS, for a known issuer: `startAuthorizationServer` serves it on its own
 * port, and another program can serve it on its own HTTP server (mcp-auth-legacy does, for
 * 2025-03-26 clients). Options are validated here, once.
 */
export async function createAuthorizationServerApp(
  input: AuthorizationServerOptionsInput & { issuer: string },
  overrides: AuthorizationServerOverrides = {},
): Promise<AuthorizationServerApp> {
  const options = authorizationServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const backend = overrides.backend ?? (await openStorage(options.dataDir, options.database));
  const closeBackend = async () => {
    if (!overrides.backend) await backend.close();
  };
  try {
    const app = await assemble(
      options,
      issuerFrom(options.issuer ?? input.issuer),
      backend,
      overrides,
      logger,
    );
    return {
      ...app,
      close: async () => {
        await app.close();
        await closeBackend();
      },
    };
  } catch (error) {
    await closeBackend();
    // Writing `secrets.json` and the other files of the data folder may fail too.
    throw explainDataDirError(error);
  }
}

async function assemble(
  options: AuthorizationServerOptions,
  issuer: Issuer,
  backend: StorageBackend,
  overrides: AuthorizationServerOverrides,
  logger: Logger,
): Promise<AuthorizationServerApp> {
  const clock = overrides.clock ?? Date.now;
  const metrics = options.metrics ? new AuthorizationServerMetrics() : undefined;
  const audit =
    overrides.auditLog ??
    new AuditLog(options.auditLogFile ? { file: options.auditLogFile } : { logger }, clock);
  const registry = new ResourceRegistry(options.resources, {
    accessTokenTtlSeconds: options.tokenLifetimes.accessTokenSeconds,
  });
  const secretsStore = backend.secrets ?? fileSecretsStore(join(options.dataDir, dataDirFiles.secrets));
  const secrets = await secretsStore.loadOrCreate(generateServerSecrets);
  let provider: Provider | undefined;
  const keys = await startKeyRefresh(secrets, {
    store: secretsStore,
    retention: keyRetention(registry),
    // The provider is built with the keys in force; later changes are put into it as they come.
    install: (inForce) => provider && installKeys(provider, inForce),
    now: clock,
    ...(overrides.keyRefreshIntervalMs ? { intervalMs: overrides.keyRefreshIntervalMs } : {}),
    logger,
  });
  try {
    return await serveWithKeys();
  } catch (error) {
    // A start that fails after the keys' timer began must not leave it running.
    keys.stop();
    if (!overrides.auditLog) audit.close();
    throw error;
  }

  /** Everything else, built once the keys are in force (the provider is made with them). */
  async function serveWithKeys(): Promise<AuthorizationServerApp> {
    const accounts = new AccountService(backend.accounts);
    const aids = await prepareDevelopmentAids(options, issuer, accounts, backend.accounts, logger, {
      introspectionCredential: !overrides.withoutDevIntrospectionCredential,
    });
    const devCredentials = aids.devIntrospectionCredentials;
    const consentMemory = new ConsentMemory(backend.artifacts);
    const adapter = createOidcAdapterFactory(backend.artifacts, {
      onConsumeRace: (race) =>
        logger.warn('a code or refresh token was redeemed twice at once; its grant is revoked', { ...race }),
    });
    const clientIp = clientIpResolver(options.trustProxy);
    const limiter = rateLimiterFactory(backend.rateLimits, clock);
    provider = createProvider({
      issuer,
      registry,
      keys: keys.current,
      // Clients oidc-provider saves are RFC 7591 registrations: they expire unless used.
      adapter: expiringDynamicClients(adapter, options.dynamicClients.unusedLifetimeSeconds),
      accounts,
      consentMemory,
      metadataFetch: createSafeFetch({
        allowLoopback: options.dangerouslyAllowLoopbackClientMetadata,
        ...(overrides.clientMetadataCa ? { ca: overrides.clientMetadataCa } : {}),
      }),
      staticClients: devCredentials ? [devIntrospectionClient(devCredentials)] : [],
      privileges: new ClientPrivilegeRecords(backend.artifacts, {
        staticPrivileges: new Map(
          devCredentials ? [[devCredentials.client_id, DEV_INTROSPECTION_PRIVILEGES]] : [],
        ),
      }),
      admitRegistration: registrationAdmission({
        limiter: limiter('registration', {
          points: options.rateLimits.registrationPerMinute,
          windowSeconds: 60,
        }),
        clientIp,
        artifacts: backend.artifacts,
        limits: options.dynamicClients,
        now: clock,
        onRateLimited: (address) => {
          metrics?.rateLimitHit('registration');
          audit.record({ event: 'rate_limit.hit', limit: 'registration', address });
        },
      }),
      trustProxy: options.trustProxy,
      tokenLifetimes: options.tokenLifetimes,
      logger,
    });
    trackClientUse(
      provider,
      new ClientActivity(backend.artifacts, {
        idleLifetimeSeconds: options.dynamicClients.idleLifetimeSeconds,
        maxRemembered: options.dynamicClients.max,
        now: clock,
      }),
      logger,
    );
    metrics?.observeProvider(provider);
    auditProviderEvents(provider, audit, clientIp);
    const csrf = new CsrfProtection(() => keys.current().cookieKeys, issuer.origin);
    const signInThrottle = new SignInThrottle(limiter, options.rateLimits.failedSignInsPerMinute);
    const countSignIn = metrics
      ? { countSignIn: (outcome: SignInMetricOutcome) => metrics.signIn(outcome) }
      : {};
    const handle = appRequestHandler({
      provider,
      issuer,
      logger,
      ...(metrics ? { nameRoute: (req, name) => metrics.nameRoute(req, name) } : {}),
      interactions: {
        provider,
        accounts,
        registry,
        csrf,
        consentMemory,
        signInThrottle,
        logger,
        audit,
        clientIp,
        issuer,
        ...(aids.demoAccount && issuer.isLoopback ? { demoAccountHint: aids.demoAccount } : {}),
        ...countSignIn,
      },
      account: {
        provider,
        backend,
        accounts,
        registry,
        sessions: new BrowserSessions(provider, issuer),
        csrf,
        signInThrottle,
        audit,
        logger,
        clientIp,
        issuer,
        ...countSignIn,
      },
    });
    const stopPurges = startStoragePurges(backend, logger);
    return {
      issuer: issuer.url,
      handle: metrics
        ? metrics.http.instrument(handle, (req: IncomingMessage) => metrics.routeOf(req))
        : handle,
      provider,
      accounts,
      dataDir: options.dataDir,
      ...aids,
      ...(metrics ? { metricsRegistry: metrics.registry } : {}),
      refreshKeys: () => keys.refresh(),
      registerClient: async (input) => {
        const client = await registerPreregisteredClient(
          { adapter, artifacts: backend.artifacts, registry },
          input,
        );
        audit.record({ event: 'client.registered', clientId: client.client_id, how: 'pre-registered' });
        return client;
      },
      close: async () => {
        keys.stop();
        stopPurges();
        if (!overrides.auditLog) audit.close();
      },
    };
  }
}
