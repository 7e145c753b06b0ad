import { ID_TOKEN_TTL_SECONDS, SESSION_TTL_SECONDS } from '../provider/token-configuration.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import type { KeyRetention } from './keys-in-force.ts';

/** Clock skew allowed between the AS and whoever verifies what it signed. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * How long replaced keys stay (keys/keys-in-force.ts): signing keys while a JWT access token or
 * an ID token they signed can still be valid, cookie keys while a sign-in session cookie can.
 */
export function keyRetention(registry: ResourceRegistry): KeyRetention {
  return {
    signingSeconds:
      Math.max(ID_TOKEN_TTL_SECONDS, registry.longestJwtAccessTokenTtlSeconds) + CLOCK_SKEW_SECONDS,
    cookieSeconds: SESSION_TTL_SECONDS + CLOCK_SKEW_SECONDS,
  };
}
