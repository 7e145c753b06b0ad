import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * One set of the AS's secrets, made at once: a private signing key per algorithm (their public
 * halves are published at `jwks_uri`) and the key that signs its cookies. `mcp-auth-as keys
 * rotate` adds a generation; keys-in-force.ts decides what each generation does at a moment.
 */
export interface KeyGeneration {
  readonly signingKeys: readonly JWK[];
  /** The first signs cookies; all verify. One, except in secrets from before rotation existed. */
  readonly cookieKeys: readonly string[];
  /** Epoch seconds; 0 for the generation of secrets from before rotation existed. */
  readonly createdAt: number;
  /** Epoch seconds from which it signs; until then it is published and accepted only. */
  readonly activeFrom: number;
}

/**
 * Everything the AS must keep secret and stable across restarts: its key generations, newest
 * first. Stored as `{ "generations": [...] }` in `secrets.json` (SQLite deployments) or the
 * `server_secrets` row (PostgreSQL).
 */
export interface ServerSecrets {
  readonly generations: readonly KeyGeneration[];
}

/** Where secrets persist: a file in the data folder (SQLite) or the database (PostgreSQL). */
export interface SecretsStore {
  /** Returns the stored secrets, creating and storing them with `create` on first use. */
  loadOrCreate(create: () => Promise<ServerSecrets>): Promise<ServerSecrets>;
  /** The stored secrets, or undefined when there are none yet. */
  load(): Promise<ServerSecrets | undefined>;
  /**
   * Replaces the stored secrets with `change(current)`, atomically with respect to every other
   * writer (other AS instances, `mcp-auth-as keys rotate`): `change` sees the secrets as they are
   * when the write happens. `change` returning undefined leaves them as they are. Resolves to
   * what is stored afterwards; fails when there are no secrets yet.
   */
  update(change: (current: ServerSecrets) => ServerSecrets | undefined): Promise<ServerSecrets>;
}

/**
 * The algorithms the AS signs with, one key each: ES256 first (the algorithm every JOSE library
 * and the MCP SDKs verify), EdDSA second. Both are far cheaper to sign with than RSA and have
 * short keys.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** What tokens and ID tokens are signed with unless a client asks otherwise. */
export const PREFERRED_SIGNING_ALGORITHM: SigningAlgorithm = SIGNING_ALGORITHMS[0];

/** A new generation of keys: signing from `activeFrom` (epoch seconds). */
export async function generateKeyGeneration(createdAt: number, activeFrom: number): Promise<KeyGeneration> {
  const signingKeys: JWK[] = [];
  for (const alg of SIGNING_ALGORITHMS) {
    const { privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const jwk = await exportJWK(privateKey);
    signingKeys.push({ ...jwk, alg, use: 'sig', kid: randomBytes(12).toString('base64url') });
  }
  return { signingKeys, cookieKeys: [randomBytes(32).toString('base64url')], createdAt, activeFrom };
}

/** The first secrets of a new AS: one generation, signing at once. */
export async function generateServerSecrets(now = Math.floor(Date.now() / 1000)): Promise<ServerSecrets> {
  return { generations: [await generateKeyGeneration(now, now)] };
}

/**
 * Stored secrets as `ServerSecrets`, or undefined when they are not secrets. Secrets written
 * before rotation existed (`{ signingKeys: { keys }, cookieKeys }`) are one generation, active
 * since always; they are stored in the current shape at their first rotation.
 */
export function parseServerSecrets(value: unknown): ServerSecrets | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as {
    generations?: unknown;
    signingKeys?: { keys?: unknown };
    cookieKeys?: unknown;
  };
  if (candidate.generations === undefined) {
    const generation = {
      signingKeys: candidate.signingKeys?.keys,
      cookieKeys: candidate.cookieKeys,
      createdAt: 0,
      activeFrom: 0,
    };
    return isKeyGeneration(generation) ? { generations: [generation] } : undefined;
  }
  const { generations } = candidate;
  if (!Array.isArray(generations) || generations.length === 0 || !generations.every(isKeyGeneration)) {
    return undefined;
  }
  return { generations };
}

function isKeyGeneration(value: unknown): value is KeyGeneration {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof KeyGeneration, unknown>>;
  return (
    Array.isArray(candidate.signingKeys) &&
    candidate.signingKeys.length > 0 &&
    candidate.signingKeys.every(
      (key) => typeof key === 'object' && key !== null && 'd' in key && typeof key.kid === 'string',
    ) &&
    Array.isArray(candidate.cookieKeys) &&
    candidate.cookieKeys.length > 0 &&
    candidate.cookieKeys.every((key) => typeof key === 'string' && key.length >= 32) &&
    Number.isInteger(candidate.createdAt) &&
    Number.isInteger(candidate.activeFrom)
  );
}
