import {
  DPOP_SUPPORTED_ALGS,
  type DpopAlg,
  DpopSession,
  generateDpopKeyPair,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/client';
import { calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';

/**
 * `--dpop` (always), `--no-dpop` (never), or neither (auto): a sign-in asks for DPoP-bound tokens
 * (RFC 9449) when the AS supports DPoP (RFC 9449 §5.1 `dpop_signing_alg_values_supported`) and
 * the MCP server accepts only DPoP: its metadata says `dpop_bound_access_tokens_required` (RFC 9728
 * §2), or its 401 challenges with the DPoP scheme and not Bearer (RFC 9449 §7.1). A server that
 * also takes Bearer gets Bearer tokens, so no Bearer-only server is ever sent `Authorization: DPoP`.
 */
export type DpopMode = 'auto' | 'always' | 'never';

/** A sign-in's DPoP key as kept with its tokens: the private JWK, in the owner-only tokens file. */
export interface StoredDpopKey {
  readonly alg: DpopAlg;
  readonly privateJwk: JWK;
}

/** The algorithms this client makes keys for, in order of preference. */
const KEY_ALGORITHMS: readonly DpopAlg[] = ['ES256', 'EdDSA'];

/**
 * Whether a new sign-in asks for DPoP-bound tokens, and with which algorithm: the first of ours
 * the AS lists; ES256 when it lists none of them but the person asked with `--dpop`.
 */
export function dpopAlgorithmFor(
  mode: DpopMode,
  discovery: OAuthDiscoveryState | undefined,
  challengedOnlyDpop = false,
): DpopAlg | undefined {
  if (mode === 'never') return undefined;
  // Members the SDK's schemas keep (loose objects) without naming them.
  const asMetadata = discovery?.authorizationServerMetadata as Record<string, unknown> | undefined;
  const listed = asMetadata?.dpop_signing_alg_values_supported;
  const offered = Array.isArray(listed) ? listed.filter((alg): alg is string => typeof alg === 'string') : [];
  const chosen = KEY_ALGORITHMS.find((alg) => offered.includes(alg));
  if (mode === 'always') return chosen ?? 'ES256';
  const resourceMetadata = discovery?.resourceMetadata as Record<string, unknown> | undefined;
  const required = resourceMetadata?.dpop_bound_access_tokens_required === true || challengedOnlyDpop;
  return required ? chosen : undefined;
}

/**
 * Whether a `WWW-Authenticate` value challenges with the DPoP scheme and not with Bearer (RFC 9449
 * §7.1; RFC 9110 §11.6.1: challenges are `scheme [auth-params]`, separated by commas, and an
 * auth-param is `name=value`, so a scheme is a token not followed by `=`).
 */
export function challengesOnlyDpop(header: string | null | undefined): boolean {
  if (!header) return false;
  const schemes = new Set<string>();
  // Quoted strings may hold commas and `=`: they are blanked before the schemes are read.
  const unquoted = header.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const part of unquoted.split(',')) {
    const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+|$)(?!=)/.exec(part);
    if (scheme?.[1] && !part.slice(scheme[0].length).startsWith('=')) schemes.add(scheme[1].toLowerCase());
  }
  return schemes.has('dpop') && !schemes.has('bearer');
}

/** A fresh key for one sign-in (RFC 9449 §2), extractable so it can be kept with the tokens. */
export async function newDpopKey(alg: DpopAlg): Promise<{ session: DpopSession; stored: StoredDpopKey }> {
  const keyPair = await generateDpopKeyPair({ alg, extractable: true });
  const privateJwk = await exportJWK(keyPair.privateKey);
  return { session: await DpopSession.create({ keyPair }), stored: { alg, privateJwk } };
}

/** The session of a stored key, or undefined when what is stored is not a usable key. */
export async function dpopSessionOf(stored: StoredDpopKey | undefined): Promise<DpopSession | undefined> {
  if (!stored || !DPOP_SUPPORTED_ALGS.includes(stored.alg) || typeof stored.privateJwk?.d !== 'string') {
    return undefined;
  }
  try {
    const { d: _private, ...publicJwk } = stored.privateJwk;
    const privateKey = await importJWK(stored.privateJwk, stored.alg);
    const publicKey = await importJWK(publicJwk, stored.alg);
    if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) return undefined;
    const keyPair = {
      privateKey,
      publicKey,
      publicJwk,
      thumbprint: await calculateJwkThumbprint(publicJwk),
      alg: stored.alg,
    };
    return await DpopSession.create({ keyPair });
  } catch {
    // A damaged key is as good as none: the token bound to it is refused, and a sign-in follows.
    return undefined;
  }
}
