import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DevIntrospectionCredentials, Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { Registry } from 'prom-client';
import type { AccountService } from '../accounts/account-service.ts';
import type { DemoAccount } from '../accounts/demo-account.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { PreregisteredClient, PreregisteredClientInput } from '../clients/preregistered-clients.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';

/** The AS without a listener: its request handler and what it is made of. */
export interface AuthorizationServerApp {
  readonly issuer: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly provider: Provider;
  readonly accounts: AccountService;
  readonly demoAccount?: DemoAccount;
  readonly devIntrospectionCredentials?: DevIntrospectionCredentials;
  readonly dataDir: string;
  /** The Prometheus registry, when metrics are on (`--metrics-port`): the server exposes it. */
  readonly metricsRegistry?: Registry;
  /** Re-reads the keys now, as the server does every 30 seconds (after `keys rotate`). */
  refreshKeys(): Promise<void>;
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
  /** Where audit lines go instead of `--audit-log` or the log stream (tests read them). */
  readonly auditLog?: AuditLog;
  /** How often the keys are re-read (default 30 s); tests make it short. */
  readonly keyRefreshIntervalMs?: number;
  /**
   * No development introspection credential (RFC 7662 §2.1): for an embedder that checks tokens
   * in process, as mcp-auth-legacy does, so no resource server needs one.
   */
  readonly withoutDevIntrospectionCredential?: boolean;
}
