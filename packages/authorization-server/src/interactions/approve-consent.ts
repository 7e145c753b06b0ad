import type Provider from 'oidc-provider';
import type { ConsentMemory } from './remembered-consent.ts';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Grants exactly what the consent prompt found missing (oidc-provider's `prompt.details`),
 * saves the grant, and remembers the approval for this account and client.
 */
export async function approveConsent(
  provider: Provider,
  memory: ConsentMemory,
  details: InteractionDetails,
): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id);
  if (!accountId) throw new Error('consent without a signed-in account');
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
    : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    if (scopes.length) grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await memory.remember(accountId, clientId, {
    oidcScopes: missing.missingOIDCScope ?? [],
    resourceScopes: missing.missingResourceScopes ?? {},
  });
  return grantId;
}
