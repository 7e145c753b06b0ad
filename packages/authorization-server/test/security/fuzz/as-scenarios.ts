import type { HeaderList } from '@mcp-auth/test-support/fuzz/hostile-headers';
import { contentTypes, junkText, jwtLike } from '@mcp-auth/test-support/fuzz/hostile-values';
import { type DraftBody, ref, type Text } from '@mcp-auth/test-support/fuzz/request-draft';
import type { Scenario } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import fc from 'fast-check';
import { FIXED_PKCE } from './as-credentials.ts';
import { interactionScenarios } from './as-interaction-scenarios.ts';
import {
  type AuthorizationServerSite,
  authorizationParameters,
  browserCookie,
  clientAuthentication,
  clientIds,
  DEFAULT_SITE,
  dpopHeaders,
  form,
  grantTypes,
  orJunk,
  pairs,
  pathSegment,
  pick,
  redirectUris,
  refTo,
  registrationMetadata,
  resourcesAround,
  scopes,
  someOf,
  text,
  tokenValues,
} from './as-parameters.ts';

/**
 * The Authorization Server's endpoints as fuzz scenarios: each one's well-formed requests, with
 * valid credentials from the pools (authenticated) or without (junk, other clients' secrets
 * never). Credentials are refs into the pools of as-credentials.ts.
 */
export function authorizationServerScenarios(
  authenticated: boolean,
  site: AuthorizationServerSite = DEFAULT_SITE,
): Scenario[] {
  const form_ = contentTypes.form;
  const paths = site;
  const resources = resourcesAround(site.resource);
  // Valid requests name our resource or none (one is registered, so it is the default).
  const ourResource = { resource: text(site.resource) };
  return [
    {
      name: 'discovery',
      method: fc.constantFrom('GET', 'HEAD'),
      path: text('/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'),
    },
    { name: 'jwks', method: fc.constantFrom('GET', 'HEAD'), path: text('/jwks') },
    {
      name: 'authorization (GET)',
      // Twice as often: valid ones feed the codes and sign-in pages later requests use.
      weight: 4,
      method: fc.constant('GET'),
      path: text(paths.authorization),
      query: authorizationParameters(authenticated, site),
      headers: browserCookie(authenticated),
    },
    {
      name: 'authorization (POST)',
      method: fc.constant('POST'),
      path: text(paths.authorization),
      body: form(authorizationParameters(authenticated, site)),
      contentType: form_,
      headers: browserCookie(authenticated),
    },
    {
      name: 'token: authorization_code',
      method: fc.constant('POST'),
      path: text('/token'),
      contentType: form_,
      headers: dpopHeaders,
      body: form(
        authenticated
          ? pick.chain((index) =>
              pairs(
                {
                  grant_type: text('authorization_code'),
                  code: fc.constant(ref('code.code', index)),
                  code_verifier: fc.constant(ref('code.verifier', index)),
                  redirect_uri: fc.constant(ref('code.redirect_uri', index)),
                  client_id: fc.constant(ref('code.client_id', index)),
                },
                ourResource,
              ),
            )
          : pairs(
              { grant_type: text('authorization_code') },
              {
                code: junkText,
                code_verifier: orJunk(text(FIXED_PKCE.verifier, 'a'.repeat(43), 'a'.repeat(129))),
                redirect_uri: redirectUris,
                client_id: clientIds(true),
                resource: resources,
              },
            ),
      ),
    },
    {
      name: 'token: refresh_token',
      method: fc.constant('POST'),
      path: text('/token'),
      contentType: form_,
      headers: dpopHeaders,
      body: form(
        authenticated
          ? pick.chain((index) =>
              pairs(
                {
                  grant_type: text('refresh_token'),
                  refresh_token: fc.constant(ref('refreshToken.token', index)),
                  client_id: fc.constant(ref('refreshToken.client_id', index)),
                },
                ourResource,
              ),
            )
          : pairs(
              { grant_type: text('refresh_token') },
              {
                refresh_token: tokenValues(false, 'refreshToken'),
                client_id: clientIds(true),
                scope: scopes,
              },
            ),
      ),
    },
    {
      name: 'token: client_credentials',
      method: fc.constant('POST'),
      path: text('/token'),
      contentType: form_,
      headers: fc
        .tuple(clientAuthentication(authenticated, 'confidential'), dpopHeaders)
        .map(([auth, dpop]): HeaderList => [...auth, ...dpop]),
      body: form(
        pairs(
          { grant_type: text('client_credentials') },
          authenticated
            ? { scope: text('user'), ...ourResource }
            : { scope: scopes, resource: resources, client_id: clientIds(false), client_secret: junkText },
        ),
      ),
    },
    {
      name: 'token: client_secret_post',
      method: fc.constant('POST'),
      path: text('/token'),
      contentType: form_,
      body: form(
        pick.chain((index) =>
          pairs(
            {
              grant_type: text('client_credentials'),
              client_id: fc.constant(ref('postClient.client_id', index)),
              client_secret: authenticated ? fc.constant(ref('postClient.client_secret', index)) : junkText,
            },
            authenticated ? { scope: text('user'), ...ourResource } : { scope: scopes, resource: resources },
          ),
        ),
      ),
    },
    {
      name: 'token: other grants and assertions',
      method: fc.constant('POST'),
      path: text('/token'),
      contentType: form_,
      headers: clientAuthentication(authenticated, 'confidential'),
      body: form(
        pairs(
          { grant_type: grantTypes },
          {
            client_assertion_type: text('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
            client_assertion: jwtLike,
            username: junkText,
            password: junkText,
            device_code: junkText,
            subject_token: jwtLike,
            client_id: clientIds(false),
          },
        ),
      ),
    },
    {
      name: 'registration',
      method: fc.constant('POST'),
      path: text(paths.registration),
      contentType: contentTypes.json,
      body: registrationMetadata(authenticated),
    },
    {
      name: 'registration management',
      method: fc.constantFrom('GET', 'PUT', 'DELETE'),
      path: fc.oneof(
        refTo('public.client_id').map((id): Text => [`${paths.registration}/`, id]),
        junkText.map((id): Text => `${paths.registration}/${pathSegment(id)}`),
      ),
      headers: fc.oneof(
        fc.constant<HeaderList>([]),
        jwtLike.map((token): HeaderList => [['Authorization', `Bearer ${token}`]]),
      ),
      contentType: contentTypes.json,
      body: registrationMetadata(authenticated),
    },
    {
      name: 'introspection',
      method: fc.constant('POST'),
      path: text('/token/introspection'),
      contentType: form_,
      headers: clientAuthentication(authenticated, 'resourceServer'),
      body: form(
        pairs(
          {
            token: fc.oneof(
              tokenValues(authenticated, 'accessToken'),
              tokenValues(authenticated, 'refreshToken'),
              tokenValues(authenticated, 'machineToken'),
            ),
          },
          { token_type_hint: orJunk(text('access_token', 'refresh_token', 'client_credentials')) },
        ),
      ),
    },
    {
      name: 'introspection by a confidential client',
      method: fc.constant('POST'),
      path: text('/token/introspection'),
      contentType: form_,
      headers: clientAuthentication(authenticated, 'confidential'),
      body: form(
        pairs(
          {
            token: fc.oneof(
              tokenValues(authenticated, 'machineToken'),
              tokenValues(authenticated, 'accessToken'),
            ),
          },
          { token_type_hint: text('access_token') },
        ),
      ),
    },
    {
      name: 'revocation',
      method: fc.constant('POST'),
      path: text('/token/revocation'),
      contentType: form_,
      body: form(
        authenticated
          ? pick.chain((index) =>
              fc.constantFrom('accessToken', 'accessToken', 'accessToken', 'refreshToken').chain((pool) =>
                pairs(
                  {
                    token: fc.constant(ref(`${pool}.token`, index)),
                    client_id: fc.constant(ref(`${pool}.client_id`, index)),
                  },
                  { token_type_hint: text('access_token', 'refresh_token') },
                ),
              ),
            )
          : pairs(
              { token: tokenValues(false, 'accessToken') },
              { client_id: clientIds(true), token_type_hint: junkText },
            ),
      ),
    },
    {
      name: 'pushed authorization request',
      method: fc.constant('POST'),
      path: text('/request'),
      contentType: form_,
      // RFC 9126 §2: a public client authenticates with its client_id alone (in the parameters).
      headers: authenticated ? fc.constant<HeaderList>([]) : clientAuthentication(false, 'confidential'),
      body: form(authorizationParameters(authenticated, site)),
    },
    {
      name: 'end session',
      method: fc.constantFrom('GET', 'POST'),
      path: text('/session/end', '/session/end/confirm', '/session/end/success'),
      query: someOf({
        id_token_hint: jwtLike,
        post_logout_redirect_uri: redirectUris,
        client_id: clientIds(authenticated),
        state: junkText,
        logout: text('yes'),
        xsrf: junkText,
      }),
      headers: browserCookie(authenticated),
      contentType: form_,
      body: form(someOf({ xsrf: junkText, logout: text('yes', 'no'), client_id: clientIds(authenticated) })),
    },
    {
      name: 'authorization resume',
      method: fc.constant('GET'),
      together: authenticated
        ? pick.map((index) => ({
            path: [`${paths.authorization}/`, ref('interaction.uid', index)] as Text,
            headers: [['Cookie', ref('interaction.cookie', index)]] as HeaderList,
          }))
        : fc.tuple(junkText, browserCookie(false)).map(([uid, headers]) => ({
            path: `${paths.authorization}/${pathSegment(uid)}` as Text,
            headers,
          })),
    },
    ...interactionScenarios(authenticated),
    { name: 'health', method: fc.constantFrom('GET', 'HEAD'), path: text('/healthz') },
    {
      name: 'stylesheet',
      method: fc.constantFrom('GET', 'HEAD'),
      path: text('/interaction-assets/styles.css'),
    },
    {
      name: 'unknown path',
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      path: fc.oneof(
        text(
          '/',
          '/favicon.ico',
          '/.well-known/unknown',
          '/.well-known/oauth-protected-resource',
          '/admin',
          '/me',
          '/userinfo',
          '/device/auth',
          '/token/introspection/extra',
          '/interaction/',
          '/interaction-assets/../server.ts',
          '/.env',
        ),
        junkText.map((segment) => `/${segment}`),
      ),
      contentType: contentTypes.json,
      body: fc.jsonValue({ maxDepth: 2 }).map((value): DraftBody => ({ kind: 'json', value })),
    },
  ];
}
