import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger, type DevIntrospectionCredentials, type Logger, localIssuer } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { AccountService } from './accounts/account-service.ts';
import { type DemoAccount, ensureDemoAccount } from './accounts/demo-account.ts';
import { appRequestHandler } from './app/routes.ts';
import { createSafeFetch } from './client-metadata/safe-fetch.ts';
import { ClientPrivilegeRecords } from './clients/client-privileges.ts';
import { DynamicClientActivity, trackDynamicClientUse } from './clients/dynamic-client-activity.ts';
import { expiringDynamicClients, registrationAdmission } from './clients/dynamic-client-registration.ts';
import {
  type PreregisteredClient,
  type PreregisteredClientInput,
  registerPreregisteredClient,
} from './clients/preregistered-clients.ts';
import { CsrfProtection } from './interactions/csrf.ts';
import { ConsentMemory } from './interactions/remembered-consent.ts';
import { SignInThrottle } from './interactions/sign-in-throttle.ts';
import { type Issuer, issuerFrom } from './issuer.ts';
import { fileSecretsStore } from './keys/file-secrets-store.ts';
import { generateServerSecrets } from './keys/server-secrets.ts';
import {
  type AuthorizationServerOptions,
  type AuthorizationServerOptionsInput,
  authorizationServerOptionsSchema,
} from './options.ts';
import { createProvider } from './provider/create-provider.ts';
import {
  DEV_INTROSPECTION_PRIVILEGES,
  devIntrospectionClient,
  loadOrCreateDevIntrospectionCredentials,
} from './provider/dev-introspection-client.ts';
import { createOidcAdapterFactory } from './provider/oidc-adapter.ts';
import { rateLimiterFactory } from './rate-limits/rate-limiter-factory.ts';
import { ResourceRegistry } from './resources/resource-registry.ts';
import { explainDataDirError } from './storage/data-dir-errors.ts';
import { dataDirFiles, openStorage } from './storage/open-storage.ts';
import { startExpiredPurge } from './storage/purge-expired.ts';
import type { StorageBackend } from './storage/storage-backend.ts';

export interface RunningAuthorizationServer {
  readonly issuer: string;
  /** Where it listens (may differ from the issuer behind a proxy). */
  readonly url: string;
  readonly port: number;
  readonly provider: Provider;
  readonly accounts: AccountService;
  readonly demoAccount?: DemoAccount;
  readonly devIntrospectionCredentials?: DevIntrospectionCredentials;
  readonly dataDir: string;
  /**
   * Pre-registers a client the operator trusts (what `mcp-auth-as clients add` does); a resource
   * server's `resources` must be ones this server serves.
   */
  registerClient(input: PreregisteredClientInput): Promise<PreregisteredClient>;
  close(): Promise<void>;
}

/** Things tests and embedders may inject; the CLI uses the defaults. */
export interface AuthorizationServerOverrides {
  readonly logger?: Logger;
  readonly backend?: StorageBackend;
  /** An extra CA trusted when fetching Client ID Metadata Documents (tests' self-signed certs). */
  readonly clientMetadataCa?: string;
  /**
   * The clock (epoch ms) of the rate limits' windows, dynamic clients' lifetimes and the
   * registration bound; tests move it instead of sleeping.
   */
  readonly clock?: () => number;
}

/** The AS without a listener: a request handler and what it is made of, for embedding. */
export interface AuthorizationServerApp extends Omit<RunningAuthorizationServer, 'url' | 'port'> {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * Builds the AS for a known issuer without listening, so another program can serve it on its
 * own HTTP server (the legacy combined server does, for 2025-03-26 clients).
 */
export async function createAuthorizationServerApp(
  input: AuthorizationServerOptionsInput & { issuer: string },
  overrides: AuthorizationServerOverrides = {},
): Promise<AuthorizationServerApp> {
  const options: AuthorizationServerOptions = authorizationServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const backend = overrides.backend ?? (await openStorage(options.dataDir, options.database));
  try {
    const app = await assemble(
      options,
      overrides,
      backend,
      issuerFrom(options.issuer ?? input.issuer),
      logger,
    );
    return {
      ...app,
      close: async () => {
        await app.close();
        if (!overrides.backend) await backend.close();
      },
    };
  } catch (error) {
    if (!overrides.backend) await backend.close();
    throw explainDataDirError(error);
  }
}

export async function startAuthorizationServer(
  input: AuthorizationServerOptionsInput,
  overrides: AuthorizationServerOverrides = {},
): Promise<RunningAuthorizationServer> {
  const options: AuthorizationServerOptions = authorizationServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const backend = overrides.backend ?? (await openStorage(options.dataDir, options.database));
  // The port is bound before the provider exists (its issuer may name the port), so requests
  // arriving in between get 503 with Retry-After instead of waiting forever.
  const httpServer = createServer((_req, res) => {
    if (httpServer.listenerCount('request') > 1) return;
    res.statusCode = 503;
    res.setHeader('retry-after', '1');
    res.end();
  });
  try {
    await listen(httpServer, options.port, options.host);
    const port = (httpServer.address() as AddressInfo).port;
    const issuer = issuerFrom(options.issuer ?? localIssuer(port));
    const app = await assemble(options, overrides, backend, issuer, logger);
    httpServer.on('request', app.handle);
    const address = httpServer.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    logger.info('authorization server started', { issuer: issuer.url, listening: url });
    return {
      ...app,
      url,
      port: address.port,
      close: async () => {
        await app.close();
        await closeServer(httpServer);
        if (!overrides.backend) await backend.close();
      },
    };
  } catch (error) {
    httpServer.close();
    if (!overrides.backend) await backend.close();
    // Writing `secrets.json` and the other files of the data folder may fail too.
    throw explainDataDirError(error);
  }
}

async function assemble(
  options: AuthorizationServerOptions,
  overrides: AuthorizationServerOverrides,
  backend: StorageBackend,
  issuer: Issuer,
  logger: Logger,
): Promise<AuthorizationServerApp> {
  const secretsStore = backend.secrets ?? fileSecretsStore(join(options.dataDir, dataDirFiles.secrets));
  const secrets = await secretsStore.loadOrCreate(generateServerSecrets);
  const accounts = new AccountService(backend.accounts);
  const demoAccount = await ensureDemoAccount(
    accounts,
    backend.accounts,
    join(options.dataDir, dataDirFiles.demoAccount),
  );
  const devIntrospectionCredentials = issuer.isLoopback
    ? await loadOrCreateDevIntrospectionCredentials(
        join(options.dataDir, dataDirFiles.devIntrospection),
        issuer.url,
      )
    : undefined;
  if (devIntrospectionCredentials) {
    logger.warn('DEVELOPMENT introspection credential in use: loopback issuer only, never in production', {
      clientId: devIntrospectionCredentials.client_id,
      file: join(options.dataDir, dataDirFiles.devIntrospection),
    });
  }
  if (options.dangerouslyAllowLoopbackClientMetadata) {
    logger.warn('DANGEROUS: Client ID Metadata Documents may be fetched from loopback addresses');
  }
  const registry = new ResourceRegistry(options.resources);
  const consentMemory = new ConsentMemory(backend.artifacts);
  const adapter = createOidcAdapterFactory(backend.artifacts, {
    onConsumeRace: (race) =>
      logger.warn('a code or refresh token was redeemed twice at once; its grant is revoked', { ...race }),
  });
  const privileges = new ClientPrivilegeRecords(backend.artifacts, {
    staticPrivileges: new Map(
      devIntrospectionCredentials
        ? [[devIntrospectionCredentials.client_id, DEV_INTROSPECTION_PRIVILEGES]]
        : [],
    ),
  });
  const clientIp = clientIpResolver(options.trustProxy);
  const clock = overrides.clock ?? Date.now;
  const limiter = rateLimiterFactory(backend.rateLimits, clock);
  const provider = createProvider({
    issuer,
    registry,
    secrets,
    // Clients oidc-provider saves are RFC 7591 registrations: they expire unless used.
    adapter: expiringDynamicClients(adapter, options.dynamicClients.unusedLifetimeSeconds),
    accounts,
    consentMemory,
    metadataFetch: createSafeFetch({
      allowLoopback: options.dangerouslyAllowLoopbackClientMetadata,
      ...(overrides.clientMetadataCa ? { ca: overrides.clientMetadataCa } : {}),
    }),
    staticClients: devIntrospectionCredentials ? [devIntrospectionClient(devIntrospectionCredentials)] : [],
    privileges,
    admitRegistration: registrationAdmission({
      limiter: limiter('registration', {
        points: options.rateLimits.registrationPerMinute,
        windowSeconds: 60,
      }),
      clientIp,
      artifacts: backend.artifacts,
      limits: options.dynamicClients,
      now: clock,
    }),
    trustProxy: options.trustProxy,
    logger,
  });
  trackDynamicClientUse(
    provider,
    new DynamicClientActivity(backend.artifacts, {
      idleLifetimeSeconds: options.dynamicClients.idleLifetimeSeconds,
      maxRemembered: options.dynamicClients.max,
      now: clock,
    }),
    logger,
  );
  const handler = appRequestHandler({
    provider,
    issuer,
    logger,
    interactions: {
      provider,
      accounts,
      registry,
      csrf: new CsrfProtection(secrets.cookieKeys[0] ?? '', issuer.origin),
      consentMemory,
      signInThrottle: new SignInThrottle(limiter, options.rateLimits.failedSignInsPerMinute),
      logger,
      clientIp,
      issuer,
      ...(demoAccount && issuer.isLoopback ? { demoAccountHint: demoAccount } : {}),
    },
  });
  const purgeSchedule = { intervalMs: 10 * 60 * 1000 };
  const stopPurges = [
    startExpiredPurge(backend.artifacts, {
      ...purgeSchedule,
      onError: (error) => logger.error('purging expired artifacts failed', { error }),
    }),
    ...(backend.rateLimits
      ? [
          startExpiredPurge(backend.rateLimits, {
            ...purgeSchedule,
            onError: (error) => logger.error('purging old rate-limit windows failed', { error }),
          }),
        ]
      : []),
  ];
  return {
    handle: handler,
    issuer: issuer.url,
    provider,
    accounts,
    dataDir: options.dataDir,
    ...(demoAccount ? { demoAccount } : {}),
    ...(devIntrospectionCredentials ? { devIntrospectionCredentials } : {}),
    registerClient: (input) =>
      registerPreregisteredClient({ adapter, artifacts: backend.artifacts, registry }, input),
    close: async () => {
      for (const stop of stopPurges) stop();
    },
  };
}

function clientIpResolver(trustProxy: boolean) {
  return (req: IncomingMessage): string => {
    if (trustProxy) {
      const forwarded = req.headers['x-forwarded-for'];
      // The right-most entry is the one our own proxy appended; earlier ones are client-supplied.
      const nearest = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim();
      if (nearest) return nearest;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use; choose another with --port`)
          : error.code === 'EACCES'
            ? new Error(`not allowed to listen on ${host}:${port}; choose a port above 1023 with --port`)
            : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting connections, lets requests in flight finish, then closes idle keep-alives. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5000).unref();
  });
}
