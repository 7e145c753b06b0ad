import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createLogger, type DevIntrospectionCredentials, type Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { AccountService } from '../accounts/account-service.ts';
import type { DemoAccount } from '../accounts/demo-account.ts';
import { createSafeFetch } from '../client-metadata/safe-fetch.ts';
import { ClientPrivilegeRecords } from '../clients/client-privileges.ts';
import { DynamicClientActivity, trackDynamicClientUse } from '../clients/dynamic-client-activity.ts';
import { expiringDynamicClients, registrationAdmission } from '../clients/dynamic-client-registration.ts';
import {
  type PreregisteredClient,
  type PreregisteredClientInput,
  registerPreregisteredClient,
} from '../clients/preregistered-clients.ts';
import { clientIpResolver } from '../http/client-ip.ts';
import { CsrfProtection } from '../interactions/csrf.ts';
import { ConsentMemory } from '../interactions/remembered-consent.ts';
import { SignInThrottle } from '../interactions/sign-in-throttle.ts';
import { type Issuer, issuerFrom } from '../issuer.ts';
import { fileSecretsStore } from '../keys/file-secrets-store.ts';
import { generateServerSecrets } from '../keys/server-secrets.ts';
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
import { prepareDevelopmentAids } from './development-aids.ts';
import { appRequestHandler } from './routes.ts';

/** The AS without a listener: its request handler and what it is made of. */
export interface AuthorizationServerApp {
  readonly issuer: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
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
  /** Stops its timers and closes the storage it opened. */
  close(): Promise<void>;
}

/** Things tests and embedders may inject; the CLI uses the defaults. */
export interface AuthorizationServerOverrides {
  readonly logger?: Logger;
  /** Storage the caller opened and closes. */
  readonly backend?: StorageBackend;
  /** An extra CA trusted when fetching Client ID Metadata Documents (tests' self-signed certs). */
  readonly clientMetadataCa?: string;
  /**
   * The clock (epoch ms) of the rate limits' windows, dynamic clients' lifetimes and the
   * registration bound; tests move it instead of sleeping.
   */
  readonly clock?: () => number;
}

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
  const secretsStore = backend.secrets ?? fileSecretsStore(join(options.dataDir, dataDirFiles.secrets));
  const secrets = await secretsStore.loadOrCreate(generateServerSecrets);
  const accounts = new AccountService(backend.accounts);
  const aids = await prepareDevelopmentAids(options, issuer, accounts, backend.accounts, logger);
  const devCredentials = aids.devIntrospectionCredentials;
  const registry = new ResourceRegistry(options.resources);
  const consentMemory = new ConsentMemory(backend.artifacts);
  const adapter = createOidcAdapterFactory(backend.artifacts, {
    onConsumeRace: (race) =>
      logger.warn('a code or refresh token was redeemed twice at once; its grant is revoked', { ...race }),
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
  const handle = appRequestHandler({
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
      ...(aids.demoAccount && issuer.isLoopback ? { demoAccountHint: aids.demoAccount } : {}),
    },
  });
  const stopPurges = startStoragePurges(backend, logger);
  return {
    issuer: issuer.url,
    handle,
    provider,
    accounts,
    dataDir: options.dataDir,
    ...aids,
    registerClient: (input) =>
      registerPreregisteredClient({ adapter, artifacts: backend.artifacts, registry }, input),
    close: async () => stopPurges(),
  };
}
