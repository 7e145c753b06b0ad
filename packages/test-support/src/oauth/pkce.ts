import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1-4.2 with S256. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}
