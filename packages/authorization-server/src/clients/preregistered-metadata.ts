import { z } from 'zod';
import { redirectUriProblem } from './redirect-uri-policy.ts';

/**
 * The metadata of a client the operator registers (`mcp-auth-as clients add`, or `registerClient`
 * on a running server), checked before it is stored. oidc-provider validates every client it
 * loads, so a client it would refuse must be refused here, with the flag to change, instead of
 * being stored and then failing at its first request. Both callers use this one rule set; no
 * oidc-provider instance is needed for it.
 */
export interface PreregisteredMetadata {
  readonly client_id: string;
  readonly client_name: string;
  readonly token_endpoint_auth_method: ClientAuthMethod;
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  readonly redirect_uris: readonly string[];
  readonly scope?: string;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly client_secret?: string;
}

/** OAuth 2.1 §2.4: client authentication this AS accepts (no client_secret_jwt: secrets are hashed). */
export const CLIENT_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** The grants this AS's oidc-provider configuration enables. */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

/** RFC 6749 Appendix A.1 (client_id) and A.2 (client_secret): visible ASCII characters and space. */
const VSCHARS = /^[\x20-\x7e]+$/;
/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The members of a JWK that are private key material (RFC 7518 §6), never a client's to send. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** The public members each key type needs (RFC 7518 §6.2, §6.3; RFC 8037 §2). */
const PUBLIC_JWK_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'x', 'y'],
  RSA: ['n', 'e'],
  OKP: ['crv', 'x'],
};

const publicJwkSchema = z
  .looseObject({
    kty: z.string().min(1),
    alg: z.string().min(1).optional(),
    kid: z.string().min(1).optional(),
    use: z.string().min(1).optional(),
    x5c: z.array(z.string().min(1)).optional(),
  })
  .superRefine((key, ctx) => {
    if (key.kty === 'oct')
      ctx.addIssue({ code: 'custom', message: 'is a symmetric key; give public keys only' });
    for (const member of PRIVATE_JWK_MEMBERS.filter((name) => name in key)) {
      ctx.addIssue({
        code: 'custom',
        message: `holds private key material ("${member}"); give public keys only`,
      });
    }
    for (const member of PUBLIC_JWK_MEMBERS[key.kty] ?? []) {
      if (typeof key[member] !== 'string' || key[member] === '') {
        ctx.addIssue({ code: 'custom', message: `is an ${key.kty} key without "${member}"` });
      }
    }
  });

const jwksSchema = z.object({ keys: z.array(publicJwkSchema) });

/**
 * Why the metadata cannot be registered, in one sentence naming the flag, or undefined. With
 * `offeredScopes` (a running server knows its registry) the scope must be one it offers.
 */
export function preregisteredMetadataProblem(
  metadata: PreregisteredMetadata,
  offeredScopes?: ReadonlySet<string>,
): string | undefined {
  return (
    clientIdProblem(metadata.client_id) ??
    (metadata.client_name.trim() ? undefined : 'a client needs a name (--name)') ??
    grantTypesProblem(metadata) ??
    redirectUrisProblem(metadata.redirect_uris) ??
    scopeProblem(metadata.scope, offeredScopes) ??
    keysProblem(metadata)
  );
}

function clientIdProblem(clientId: string): string | undefined {
  return VSCHARS.test(clientId)
    ? undefined
    : `--client-id ${JSON.stringify(clientId)} must be printable ASCII characters (RFC 6749 Appendix A.1)`;
}

function grantTypesProblem(metadata: PreregisteredMetadata): string | undefined {
  const unknown = metadata.grant_types.find((grant) => !(GRANT_TYPES as readonly string[]).includes(grant));
  if (unknown !== undefined) {
    return `--grant-type ${JSON.stringify(unknown)} is not available; use ${GRANT_TYPES.join(', ')}`;
  }
  // oidc-provider: a client of the code flow (response_types ["code"]) has redirect URIs.
  if (metadata.grant_types.includes('authorization_code') && metadata.redirect_uris.length === 0) {
    return 'the authorization_code grant needs --redirect-uri: where the code is sent';
  }
  return undefined;
}

function redirectUrisProblem(uris: readonly string[]): string | undefined {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return `--redirect-uri ${problem.replace(/^redirect_uris:? ?/, '')}`;
    // oidc-provider registers these clients as web applications, whose redirect URIs are web URIs.
    const scheme = URL.parse(uri)?.protocol;
    if (scheme !== 'https:' && scheme !== 'http:') {
      return `--redirect-uri ${JSON.stringify(uri)}: a pre-registered client redirects to https, or to http on a loopback address`;
    }
  }
  return undefined;
}

function scopeProblem(
  scope: string | undefined,
  offered: ReadonlySet<string> | undefined,
): string | undefined {
  if (scope === undefined) return undefined;
  const names = scope.split(' ');
  const malformed = names.find((name) => !SCOPE_TOKEN.test(name));
  if (malformed !== undefined) {
    return `--scope ${JSON.stringify(scope)} must be scope names separated by single spaces (RFC 6749 §3.3)`;
  }
  if (!offered) return undefined;
  const unknown = names.find((name) => !offered.has(name));
  return unknown === undefined
    ? undefined
    : `--scope names ${JSON.stringify(unknown)}, which this server does not offer (it offers ${[...offered].join(', ')})`;
}

function keysProblem(metadata: PreregisteredMetadata): string | undefined {
  if (metadata.token_endpoint_auth_method === 'private_key_jwt' && !metadata.jwks) {
    return '--auth-method private_key_jwt needs --jwks-file: the public keys the client signs with (RFC 7523)';
  }
  if (!metadata.jwks) return undefined;
  const parsed = jwksSchema.safeParse(metadata.jwks);
  if (parsed.success) return undefined;
  const [issue] = parsed.error.issues;
  const [, index] = issue?.path ?? [];
  const which = typeof index === 'number' ? `key ${index + 1}` : 'the key set';
  return `--jwks-file: ${which} ${issue?.code === 'custom' ? issue.message : 'is not a JSON Web Key (RFC 7517)'}`;
}
