import type { HeaderList } from '@mcp-auth/test-support/fuzz/hostile-headers';
import { junkText, jwtLike } from '@mcp-auth/test-support/fuzz/hostile-values';
import { type DraftBody, type Ref, ref, type Text } from '@mcp-auth/test-support/fuzz/request-draft';
import fc from 'fast-check';
import { ATTACKER_REDIRECT_URI, FIXED_PKCE } from './as-credentials.ts';

/**
 * Values of the Authorization Server's parameters for the fuzz scenarios: valid ones (refs into
 * the pools of as-credentials.ts) and hostile ones, per OAuth parameter.
 */
export interface AuthorizationServerSite {
  readonly authorization: string;
  readonly registration: string;
  /** The protected resource the tokens are for (RFC 8707). */
  readonly resource: string;
}

export const DEFAULT_SITE: AuthorizationServerSite = {
  authorization: '/auth',
  registration: '/reg',
  resource: 'http://localhost:8001/mcp',
};

export const pick = fc.nat();
export const refTo = (name: string): fc.Arbitrary<Ref> => pick.map((index) => ref(name, index));
export const text = (...values: string[]): fc.Arbitrary<Text> => fc.constantFrom(...values);
export const orJunk = (arbitrary: fc.Arbitrary<Text>): fc.Arbitrary<Text> =>
  fc.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: junkText });

export type Pairs = Array<readonly [string, Text]>;

/** Percent-encodes a generated string for a path segment (lone surrogates become U+FFFD). */
export const pathSegment = (value: string) =>
  encodeURIComponent(
    value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

/** Some of the given optional fields, each with one of its values. */
export function someOf(fields: Record<string, fc.Arbitrary<Text>>): fc.Arbitrary<Pairs> {
  return fc.record(fields, { requiredKeys: [] }).map((record) => Object.entries(record) as Pairs);
}

export function pairs(
  required: Record<string, fc.Arbitrary<Text>>,
  optional: Record<string, fc.Arbitrary<Text>> = {},
) {
  return fc
    .tuple(fc.record(required), someOf(optional))
    .map(([fields, extra]): Pairs => [...(Object.entries(fields) as Pairs), ...extra]);
}

export const form = (fields: fc.Arbitrary<Pairs>): fc.Arbitrary<DraftBody> =>
  fields.map((list): DraftBody => ({ kind: 'form', fields: list }));

export const redirectUris: fc.Arbitrary<Text> = fc.oneof(
  { weight: 4, arbitrary: refTo('public.redirect_uri') },
  {
    weight: 2,
    arbitrary: text(
      // RFC 8252 §7.3: any port on the loopback host registered; anything else must not match.
      'http://127.0.0.1:4040/callback',
      'http://localhost:3030/callback',
      'http://[::1]:3030/callback',
      'http://127.0.0.1:3030/callback/extra',
      'http://127.0.0.1:3030/callback?x=1',
      'http://127.0.0.1:3030/callback#f',
      'http://127.0.0.1:3030/CALLBACK',
      ATTACKER_REDIRECT_URI,
      'javascript:alert(1)',
      'data:text/html,hi',
      '//evil.example/callback',
    ),
  },
  { weight: 1, arbitrary: junkText },
);

export const scopes = orJunk(
  text('user', 'admin', 'user admin', 'openid', 'openid offline_access user', 'unknown', ''),
);
/** RFC 8707 `resource`: ours, spellings of ours that must not match, others. */
export const resourcesAround = (resource: string) =>
  orJunk(text(resource, `${resource}/`, resource.toUpperCase(), 'urn:other', 'relative'));
export const clientIds = (authenticated: boolean): fc.Arbitrary<Text> =>
  authenticated
    ? refTo('public.client_id')
    : orJunk(
        text(
          // Client ID Metadata Documents on loopback (refused: no request leaves this machine).
          'https://127.0.0.1/client.json',
          'https://localhost:1/client',
          'http://localhost/client',
          'mcp-auth-dev-resource-server',
          'unknown-client',
        ),
      );

/**
 * The parameters of an authorization request (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707, OIDC). Valid
 * ones are those of the signed-in browser's client, which redirect with a code at once; the
 * others carry every parameter oidc-provider knows, with odd values.
 */
export function authorizationParameters(
  authenticated: boolean,
  site: AuthorizationServerSite,
): fc.Arbitrary<Pairs> {
  if (authenticated) {
    // The web app gets its code at once; a loopback app gets the consent page (RFC 8252 §8.6).
    const client = fc.oneof(
      {
        weight: 3,
        arbitrary: pick.map(
          (index) => [ref('session.client_id', index), ref('session.redirect_uri', index)] as const,
        ),
      },
      {
        weight: 1,
        arbitrary: pick.map(
          (index) => [ref('public.client_id', index), ref('public.redirect_uri', index)] as const,
        ),
      },
    );
    return fc
      .tuple(client, fc.option(junkText, { nil: undefined }))
      .map(
        ([[clientId, redirectUri], state]): Pairs => [
          ['client_id', clientId],
          ['response_type', 'code'],
          ['redirect_uri', redirectUri],
          ['code_challenge', FIXED_PKCE.challenge],
          ['code_challenge_method', 'S256'],
          ['scope', 'user'],
          ['resource', site.resource],
          ...(state === undefined ? [] : ([['state', state]] as const)),
        ],
      );
  }
  return pairs(
    { client_id: clientIds(false) },
    {
      response_type: orJunk(text('code', 'token', 'id_token', 'code id_token', 'none')),
      redirect_uri: redirectUris,
      code_challenge: orJunk(text(FIXED_PKCE.challenge, 'short', 'a'.repeat(200))),
      code_challenge_method: orJunk(text('S256', 'plain', 's256')),
      state: orJunk(text('xyz')),
      scope: scopes,
      resource: resourcesAround(site.resource),
      prompt: orJunk(text('none', 'login', 'consent', 'select_account', 'login consent')),
      response_mode: orJunk(text('query', 'fragment', 'form_post', 'jwt', 'web_message')),
      nonce: junkText,
      max_age: orJunk(text('0', '-1', '99999999999999999999')),
      request: jwtLike,
      request_uri: orJunk(text('urn:ietf:params:oauth:request_uri:abc', 'https://127.0.0.1/request')),
      claims: orJunk(text('{"id_token":{"sub":{"value":"x"}}}', '{')),
      ui_locales: junkText,
      id_token_hint: jwtLike,
      login_hint: junkText,
      dpop_jkt: junkText,
      acr_values: junkText,
    },
  );
}

export function browserCookie(authenticated: boolean): fc.Arbitrary<HeaderList> {
  return authenticated
    ? refTo('session.cookie').map((cookie): HeaderList => [['Cookie', cookie]])
    : fc.oneof(
        fc.constant<HeaderList>([]),
        junkText.map((cookie): HeaderList => [['Cookie', `_session=${cookie}; _session.legacy=${cookie}`]]),
      );
}

/** Client authentication for the token, introspection and revocation endpoints. */
export function clientAuthentication(
  authenticated: boolean,
  who: 'resourceServer' | 'confidential',
): fc.Arbitrary<HeaderList> {
  if (authenticated) return refTo(`${who}.basic`).map((basic): HeaderList => [['Authorization', basic]]);
  return fc.oneof(
    fc.constant<HeaderList>([]),
    // A real client id with a wrong secret, and credentials that are not even well-formed.
    refTo(`${who}.wrong_basic`).map((basic): HeaderList => [['Authorization', basic]]),
    junkText.map(
      (secret): HeaderList => [
        ['Authorization', `Basic ${Buffer.from(`${secret}:${secret}`).toString('base64')}`],
      ],
    ),
  );
}

export const dpopHeaders: fc.Arbitrary<HeaderList> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<HeaderList>([]) },
  { weight: 1, arbitrary: fc.oneof(jwtLike, junkText).map((proof): HeaderList => [['DPoP', proof]]) },
);

export const grantTypes = fc.oneof(
  text(
    'password',
    'implicit',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'AUTHORIZATION_CODE',
    '',
  ),
  junkText,
);

/** Dynamic registration metadata (RFC 7591 §2), including the privileges a client may never claim. */
export function registrationMetadata(authenticated: boolean): fc.Arbitrary<DraftBody> {
  const uriList = fc.oneof(
    fc.array(
      fc.constantFrom(
        'http://127.0.0.1:3030/callback',
        'http://localhost/cb',
        'https://app.example/cb',
        'com.example.app:/cb',
        'http://app.example/cb',
        'https://app.example/cb#frag',
        'not a uri',
      ),
      { maxLength: 3 },
    ),
    junkText,
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const optional = fc.record(
    {
      client_name: fc.oneof(junkText, fc.constant('Fuzz CLI')),
      token_endpoint_auth_method: fc.oneof(
        fc.constantFrom(
          'none',
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
          'tls_client_auth',
        ),
        junkText,
      ),
      grant_types: fc.oneof(
        fc.subarray(['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'password']),
        junkText,
      ),
      response_types: fc.oneof(fc.subarray(['code', 'token', 'id_token', 'none']), junkText),
      application_type: fc.oneof(fc.constantFrom('native', 'web', 'service'), junkText),
      scope: fc.oneof(fc.constantFrom('user', 'admin', 'user admin openid'), junkText),
      // Privileges only the operator grants (README "Clients"): they must be refused here.
      mcp_resource_server: fc.oneof(fc.constant(true), fc.jsonValue({ maxDepth: 1 })),
      mcp_preregistered: fc.oneof(fc.constant(true), fc.jsonValue({ maxDepth: 1 })),
      jwks: fc.oneof(
        fc.constant({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      // Only loopback literals: the AS must refuse to fetch them, and no request leaves the machine.
      jwks_uri: fc.constantFrom('https://127.0.0.1/jwks', 'http://localhost:1/jwks', 'file:///etc/passwd'),
      sector_identifier_uri: fc.constantFrom('https://127.0.0.1/sector', 'https://[::1]/sector'),
      logo_uri: fc.oneof(fc.constant('https://app.example/logo.png'), junkText),
      client_uri: fc.oneof(fc.constant('javascript:alert(1)'), junkText),
      post_logout_redirect_uris: uriList,
      software_statement: jwtLike,
      client_id: junkText,
      client_secret: junkText,
      client_secret_expires_at: fc.oneof(fc.integer(), junkText),
      id_token_signed_response_alg: fc.constantFrom('none', 'HS256', 'ES256', 'junk'),
      subject_type: fc.constantFrom('pairwise', 'public', 'junk'),
      __proto__: fc.constant({ polluted: true }),
    },
    { requiredKeys: [] },
  );
  // What MCP clients register (README "Clients"): a native public client, some optional names.
  const valid = fc
    .record(
      {
        client_name: fc.oneof(fc.constant('Fuzz CLI'), fc.string({ maxLength: 40 })),
        grant_types: fc.constantFrom(['authorization_code'], ['authorization_code', 'refresh_token']),
        response_types: fc.constant(['code']),
        scope: fc.constantFrom('user', 'user admin'),
        client_uri: fc.constant('https://app.example/'),
      },
      { requiredKeys: [] },
    )
    .map(
      (rest): DraftBody => ({
        kind: 'json',
        value: {
          redirect_uris: ['http://127.0.0.1:3030/callback'],
          token_endpoint_auth_method: 'none',
          application_type: 'native',
          ...rest,
        },
      }),
    );
  const hostile = fc.tuple(uriList, optional).map(
    ([redirectUris, rest]): DraftBody => ({
      kind: 'json',
      value: { redirect_uris: redirectUris, ...rest },
    }),
  );
  return authenticated ? valid : hostile;
}

export const tokenValues = (authenticated: boolean, pool: string): fc.Arbitrary<Text> =>
  authenticated
    ? refTo(`${pool}.token`)
    : fc.oneof(
        junkText,
        jwtLike,
        fc.base64String({ minLength: 40, maxLength: 60 }).map((value) => value.replaceAll('=', '')),
      );
