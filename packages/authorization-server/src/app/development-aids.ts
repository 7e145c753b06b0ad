import { join } from 'node:path';
import type { DevIntrospectionCredentials, Logger } from '@mcp-auth/shared';
import type { AccountService } from '../accounts/account-service.ts';
import { type DemoAccount, ensureDemoAccount } from '../accounts/demo-account.ts';
import type { Issuer } from '../issuer.ts';
import type { AuthorizationServerOptions } from '../options.ts';
import { loadOrCreateDevIntrospectionCredentials } from '../provider/dev-introspection-client.ts';
import { dataDirFiles } from '../storage/open-storage.ts';
import type { AccountStore } from '../storage/storage-backend.ts';

/** What lets the demo run with no manual step; see each for the limits that keep it safe. */
export interface DevelopmentAids {
  /** The account made on a first start (accounts/demo-account.ts). */
  readonly demoAccount?: DemoAccount;
  /** The resource servers' credential on a loopback issuer only (provider/dev-introspection-client.ts). */
  readonly devIntrospectionCredentials?: DevIntrospectionCredentials;
}

/** Sets up the development aids this start allows, and says loudly in the log what is in use. */
export async function prepareDevelopmentAids(
  options: AuthorizationServerOptions,
  issuer: Issuer,
  accounts: AccountService,
  accountStore: AccountStore,
  logger: Logger,
  /** `introspectionCredential: false`: none, for a server whose tokens are checked in process. */
  wanted: { readonly introspectionCredential: boolean } = { introspectionCredential: true },
): Promise<DevelopmentAids> {
  const demoAccount = await ensureDemoAccount(
    accounts,
    accountStore,
    join(options.dataDir, dataDirFiles.demoAccount),
  );
  const credentialsFile = join(options.dataDir, dataDirFiles.devIntrospection);
  const devIntrospectionCredentials =
    issuer.isLoopback && wanted.introspectionCredential
      ? await loadOrCreateDevIntrospectionCredentials(credentialsFile, issuer.url)
      : undefined;
  if (devIntrospectionCredentials) {
    logger.warn('DEVELOPMENT introspection credential in use: loopback issuer only, never in production', {
      clientId: devIntrospectionCredentials.client_id,
      file: credentialsFile,
    });
  }
  if (options.dangerouslyAllowLoopbackClientMetadata) {
    logger.warn('DANGEROUS: Client ID Metadata Documents may be fetched from loopback addresses');
  }
  return {
    ...(demoAccount ? { demoAccount } : {}),
    ...(devIntrospectionCredentials ? { devIntrospectionCredentials } : {}),
  };
}
