import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { loopbackWithoutPort } from './client-patches.ts';

/**
 * oidc-provider's default prompts (login, then consent), plus one consent check of ours.
 *
 * RFC 8252 §8.6: an AS should not approve a request automatically, even one approved before,
 * unless the client's identity can be assured. oidc-provider already always asks for
 * `application_type: native`; a client that registered as `web` but redirects to a loopback
 * address is just as unverifiable (any program on the machine can listen there), so it is asked
 * every time too. Remembered consent therefore skips the page only for clients with a
 * verifiable redirect URI.
 */
export function createInteractionPolicy() {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent');
  if (!consent) throw new Error('oidc-provider has no consent prompt');
  consent.checks.add(
    new interactionPolicy.Check(
      'loopback_redirect_prompt',
      'apps receiving the answer on a loopback address require End-User interaction',
      'interaction_required',
      (ctx: KoaContextWithOIDC) => {
        const redirectUri = ctx.oidc.params?.redirect_uri;
        const isLoopback = typeof redirectUri === 'string' && loopbackWithoutPort(redirectUri) !== undefined;
        return isLoopback && !ctx.oidc.result?.consent;
      },
    ),
  );
  return policy;
}
