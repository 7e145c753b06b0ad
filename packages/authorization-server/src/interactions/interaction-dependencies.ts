import type { IncomingMessage } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Issuer } from '../issuer.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import type { CsrfProtection } from './csrf.ts';
import type { ConsentMemory } from './remembered-consent.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/** What the sign-in and consent routes work with; built once by the app. */
export interface InteractionDependencies {
  readonly provider: Provider;
  readonly accounts: AccountService;
  readonly registry: ResourceRegistry;
  readonly csrf: CsrfProtection;
  readonly consentMemory: ConsentMemory;
  readonly signInThrottle: SignInThrottle;
  readonly logger: Logger;
  /** The security audit log: sign-ins, consent, rate limits. */
  readonly audit: AuditLog;
  /** Shown on the sign-in page, only on a loopback development issuer. */
  readonly demoAccountHint?: { username: string; password: string };
  readonly clientIp: (req: IncomingMessage) => string;
  /** Its host is shown in the page header, so people see which server asks for their password. */
  readonly issuer: Issuer;
  /** Told each sign-in attempt's outcome (the metrics' sign-ins by outcome), when metrics are on. */
  readonly countSignIn?: (outcome: SignInMetricOutcome) => void;
}

export type SignInMetricOutcome = 'success' | 'failure' | 'throttled' | 'locked';

/** An interaction as oidc-provider describes it (`provider.interactionDetails`). */
export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;
