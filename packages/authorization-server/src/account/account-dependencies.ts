import type { IncomingMessage } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CsrfProtection } from '../interactions/csrf.ts';
import type { SignInMetricOutcome } from '../interactions/interaction-dependencies.ts';
import type { SignInThrottle } from '../interactions/sign-in-throttle.ts';
import type { Issuer } from '../issuer.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';
import type { BrowserSessions } from './browser-session.ts';

/** What the account page works with; built once by the app. */
export interface AccountDependencies {
  readonly provider: Provider;
  readonly backend: StorageBackend;
  readonly accounts: AccountService;
  readonly registry: ResourceRegistry;
  readonly sessions: BrowserSessions;
  readonly csrf: CsrfProtection;
  readonly signInThrottle: SignInThrottle;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly clientIp: (req: IncomingMessage) => string;
  readonly issuer: Issuer;
  readonly countSignIn?: (outcome: SignInMetricOutcome) => void;
}
