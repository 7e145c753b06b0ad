import { createHash, timingSafeEqual } from 'node:crypto';

/** Marks a stored client secret as its hash (secrets in clear never start with it). */
const HASHED_PREFIX = 'sha256:';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * How a client secret is kept at rest. Secrets come from oidc-provider's secretFactory (64 random
 * bytes) or ours (32): with that much entropy nobody can guess one back from its hash, so a fast
 * hash is as strong as a slow password hash here and keeps client authentication cheap.
 */
export function hashClientSecret(secret: string): string {
  return `${HASHED_PREFIX}${sha256(secret)}`;
}

/** Whether a stored secret is already its hash (so it is not hashed twice). */
export function isHashedClientSecret(stored: string): boolean {
  return stored.startsWith(HASHED_PREFIX);
}

/**
 * Constant-time check of a presented secret against a stored one. Pre-registered static
 * clients may hold their secret in clear; hashing both sides first gives equal-length buffers
 * for `timingSafeEqual` without revealing the stored secret's length.
 */
export function clientSecretMatches(stored: string, presented: string): boolean {
  const expected = Buffer.from(isHashedClientSecret(stored) ? stored : hashClientSecret(stored));
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
