import type Provider from 'oidc-provider';
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';
import { installDpopNonceSecret } from '../provider/dpop-nonces.ts';
import type { KeysInForce } from './keys-in-force.ts';

/**
 * Puts new keys in force in a running oidc-provider instance, without a restart.
 *
 * oidc-provider reads its `jwks` once, in its constructor, through its keystore initialiser,
 * which checks every key and keeps the keystore and the public JWKS (served at `jwks_uri`) in
 * the instance; every signature and the JWKS route read them from there at each use. Running
 * that same initialiser again replaces both at once, with the same checks. The cookie keys are
 * Koa's `app.keys`, read by each request. A request under way finishes with the keys it started
 * with; the next one uses the new keys. DPoP nonces follow the cookie key (dpop-nonces.ts).
 */
export function installKeys(provider: Provider, keys: KeysInForce): void {
  initializeKeystore.call(provider, structuredClone({ keys: [...keys.jwks.keys] }));
  provider.keys = [...keys.cookieKeys];
  installDpopNonceSecret(provider, keys.cookieKeys);
}
