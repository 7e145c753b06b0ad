import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as `scrypt$N$r$p$salt$hash` (RFC 7914), so the cost can be raised later
 * without breaking existing hashes. N=2^15, r=8, p=1 follows OWASP's password storage advice.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MAX_PASSWORD_LENGTH = 1024;

export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The expensive step, one per hash and one per verification; replaceable so tests can count it. */
export type KeyDerivation = (password: string, salt: Buffer, cost: ScryptCost) => Promise<Buffer>;

export const scryptKeyDerivation: KeyDerivation = (password, salt, cost) =>
  new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes, which is exactly 32 MiB at these parameters.
    scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time comparison of the derived key; a malformed stored hash never matches. */
  verify(password: string, stored: string): Promise<boolean>;
}

function format(salt: Buffer, key: Buffer): string {
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export function createPasswordHasher(derive: KeyDerivation = scryptKeyDerivation): PasswordHasher {
  return {
    async hash(password) {
      if (password.length > MAX_PASSWORD_LENGTH) throw new Error('password is too long');
      const salt = randomBytes(16);
      return format(salt, await derive(password, salt, COST));
    },
    async verify(password, stored) {
      if (password.length > MAX_PASSWORD_LENGTH) return false;
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [N, r, p] = parts.slice(1, 4).map(Number);
      if (!N || !r || !p || N > 2 ** 20 || r > 32 || p > 16) return false;
      const salt = Buffer.from(parts[4] ?? '', 'base64url');
      const expected = Buffer.from(parts[5] ?? '', 'base64url');
      if (expected.length !== KEY_LENGTH) return false;
      const actual = await derive(password, salt, { N, r, p });
      return timingSafeEqual(actual, expected);
    },
  };
}

const defaultHasher = createPasswordHasher();
export const hashPassword = defaultHasher.hash;
export const verifyPassword = defaultHasher.verify;

/**
 * What a password is verified against when the username is unknown, so that an unknown user and
 * a wrong password cost the same single scrypt (no account enumeration by timing). A well-formed
 * hash at today's cost of a random key: nothing derives it, so even the first unknown username
 * costs no more than later ones, and no password matches it.
 */
export const DECOY_PASSWORD_HASH = format(randomBytes(16), randomBytes(KEY_LENGTH));
