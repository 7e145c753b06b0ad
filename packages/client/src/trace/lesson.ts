import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { ScopeSources } from '../oauth/scopes.ts';

/** How this run registers, from its flags: the first two choices of MCP's registration order. */
export interface RegistrationConfig {
  /** `--client-id`: a pre-registered client. */
  readonly clientId?: string | undefined;
  /** `--client-metadata-url`: a Client ID Metadata Document. */
  readonly clientMetadataUrl?: string | undefined;
}

/** A `WWW-Authenticate` challenge's parameters (RFC 6750 §3, RFC 9728 §5.1). */
export interface Challenge {
  readonly resourceMetadataUrl?: string | undefined;
  readonly scope?: string | undefined;
  readonly error?: string | undefined;
  readonly errorDescription?: string | undefined;
}

/** The members of RFC 9728 protected resource metadata the explanations use. */
export interface ResourceMetadataSeen {
  readonly resource?: string | undefined;
  readonly authorizationServers: readonly string[];
  readonly scopesSupported: readonly string[];
}

/** The members of RFC 8414 authorization server metadata the explanations use. */
export interface AuthorizationServerSeen {
  readonly issuer?: string | undefined;
  readonly authorizationEndpoint?: string | undefined;
  readonly tokenEndpoint?: string | undefined;
  readonly registrationEndpoint?: string | undefined;
  readonly codeChallengeMethods: readonly string[];
  readonly scopesSupported: readonly string[];
  readonly clientIdMetadataDocumentSupported: boolean;
  readonly issParameterSupported: boolean;
}

/**
 * What the trace has learnt so far in this run, so that each step can say why it happened:
 * which URL the last challenge named, which AS the metadata named, where a scope came from.
 */
export class Lesson {
  readonly serverUrl: URL;
  readonly registration: RegistrationConfig;
  challenge: Challenge | undefined;
  resourceMetadata: ResourceMetadataSeen | undefined;
  authorizationServer: AuthorizationServerSeen | undefined;
  /** The parts of the scope the authorization in progress asks for. */
  scopeSources: ScopeSources | undefined;
  /** Whether the authorization in progress registered the client (a request to the AS). */
  registeredNow = false;
  /** Whether the next successful MCP call is the first one with the tokens just issued. */
  tokensJustIssued = false;
  /** Whether a successful MCP call with a token has been explained since the last tokens. */
  callExplained = false;

  constructor(serverUrl: string, registration: RegistrationConfig) {
    this.serverUrl = new URL(serverUrl);
    this.registration = registration;
  }

  authorizationStarts(scope: ScopeSources): void {
    this.scopeSources = scope;
    this.registeredNow = false;
  }
}

export function challengeOf(headers: Headers): Challenge {
  const params = extractWWWAuthenticateParams(new Response(null, { headers }));
  return {
    resourceMetadataUrl: params.resourceMetadataUrl?.href,
    scope: params.scope,
    error: params.error,
    errorDescription: params.errorDescription,
  };
}

export function resourceMetadataOf(json: unknown): ResourceMetadataSeen {
  return {
    resource: stringMember(json, 'resource'),
    authorizationServers: stringList(json, 'authorization_servers'),
    scopesSupported: stringList(json, 'scopes_supported'),
  };
}

export function authorizationServerOf(json: unknown): AuthorizationServerSeen {
  return {
    issuer: stringMember(json, 'issuer'),
    authorizationEndpoint: stringMember(json, 'authorization_endpoint'),
    tokenEndpoint: stringMember(json, 'token_endpoint'),
    registrationEndpoint: stringMember(json, 'registration_endpoint'),
    codeChallengeMethods: stringList(json, 'code_challenge_methods_supported'),
    scopesSupported: stringList(json, 'scopes_supported'),
    clientIdMetadataDocumentSupported: member(json, 'client_id_metadata_document_supported') === true,
    issParameterSupported: member(json, 'authorization_response_iss_parameter_supported') === true,
  };
}

export function member(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)[name]
    : undefined;
}

export function stringMember(json: unknown, name: string): string | undefined {
  const value = member(json, name);
  return typeof value === 'string' ? value : undefined;
}

export function stringList(json: unknown, name: string): string[] {
  const value = member(json, name);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
