import { createHash } from 'node:crypto';
import type { RateLimit, RateLimiter, RateLimiterFactory } from '../rate-limits/rate-limiter.ts';

/**
 * Failed sign-ins for one username from one address: a few typos, then a wait. Its window is
 * also how long an address counts as "failing" for that username (see `admit`).
 */
export const USERNAME_AND_ADDRESS_LIMIT: RateLimit = { points: 5, windowSeconds: 15 * 60 };

export interface SignInAttemptSource {
  /** The caller's address (the right-most `X-Forwarded-For` entry behind a trusted proxy). */
  readonly address: string;
  readonly username: string;
}

export type SignInAdmission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly limit: SignInLimitName };

export type SignInLimitName = 'address' | 'username-and-address' | 'username';

/**
 * Throttles password guessing without letting anyone lock a user out (OWASP Authentication
 * Cheat Sheet, "Account lockout"). Only failed sign-ins count, in three limits:
 *
 * - per address (`failedSignInsPerMinute` a minute, any username): one address guessing;
 * - per username and address (`USERNAME_AND_ADDRESS_LIMIT`): one address guessing one user;
 * - per username (`failedSignInsPerMinute` a minute, from all addresses): many addresses guessing
 *   one user. This budget only holds back addresses that have failed for that username in the
 *   last `USERNAME_AND_ADDRESS_LIMIT.windowSeconds`: an address with no failure for it always gets
 *   its attempt checked, so the right password from there is never refused. A spread-out attack
 *   gets one guess per fresh address, then waits like everyone who has been failing.
 *
 * Usernames are hashed in the keys: no limiter (nor its database table) holds what people typed,
 * which is sometimes a password typed into the wrong field.
 */
export class SignInThrottle {
  readonly #perAddress: RateLimiter;
  readonly #perUsernameAndAddress: RateLimiter;
  readonly #perUsername: RateLimiter;

  constructor(limiter: RateLimiterFactory, failedSignInsPerMinute: number) {
    const perMinute = { points: failedSignInsPerMinute, windowSeconds: 60 };
    this.#perAddress = limiter('failed-sign-in-address', perMinute);
    this.#perUsernameAndAddress = limiter('failed-sign-in-username-address', USERNAME_AND_ADDRESS_LIMIT);
    this.#perUsername = limiter('failed-sign-in-username', perMinute);
  }

  /** Whether this attempt may have its password checked; counts nothing. */
  async admit(source: SignInAttemptSource): Promise<SignInAdmission> {
    const keys = keysOf(source);
    const [address, usernameAndAddress, username] = await Promise.all([
      this.#perAddress.check(keys.address),
      this.#perUsernameAndAddress.check(keys.usernameAndAddress),
      this.#perUsername.check(keys.username),
    ]);
    if (!address.allowed) return refusal(address.retryAfterSeconds, 'address');
    if (!usernameAndAddress.allowed) {
      return refusal(usernameAndAddress.retryAfterSeconds, 'username-and-address');
    }
    const failingHere = usernameAndAddress.used > 0;
    if (!username.allowed && failingHere) return refusal(username.retryAfterSeconds, 'username');
    return { allowed: true };
  }

  async recordFailure(source: SignInAttemptSource): Promise<void> {
    const keys = keysOf(source);
    await Promise.all([
      this.#perAddress.consume(keys.address),
      this.#perUsernameAndAddress.consume(keys.usernameAndAddress),
      this.#perUsername.consume(keys.username),
    ]);
  }
}

function refusal(retryAfterSeconds: number, limit: SignInLimitName): SignInAdmission {
  return { allowed: false, retryAfterSeconds: Math.max(1, retryAfterSeconds), limit };
}

function keysOf(source: SignInAttemptSource) {
  // Usernames are case-insensitive (storage-backend.ts), so is their throttling.
  const username = createHash('sha256').update(source.username.toLowerCase()).digest('base64url');
  // The hash has a fixed length and no space, so no two pairs share a key.
  return { address: source.address, username, usernameAndAddress: `${source.address} ${username}` };
}
