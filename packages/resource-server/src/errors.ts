/**
 * The resource server's one error type. Every refusal is thrown as a `ResourceServerError`
 * carrying its status, code and description, and `http/error-response.ts` alone turns it into a
 * response:
 * - an OAuth code (RFC 6750 §3.1, RFC 6749 §4.1.2.1) answers `{ error, error_description }`, and
 *   a bearer refusal adds its `WWW-Authenticate` challenge (RFC 6750 §3);
 * - a JSON-RPC code (JSON-RPC 2.0 §5.1; -32000 and -32001 are the MCP SDK's session answers)
 *   answers a JSON-RPC error response with a null id.
 * Anything else thrown is a bug, answered 500 `server_error` with the details only in the log.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'temporarily_unavailable'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed';

export type JsonRpcErrorCode = -32700 | -32600 | -32000 | -32001;

/**
 * RFC 6750 §3 challenges, as MCP authorization requires them:
 * - no token: 401 with `resource_metadata` (RFC 9728 §5.1) and the `scope` needed, no error code;
 * - a bad token: 401 `invalid_token`;
 * - not enough scope: 403 `insufficient_scope` with every scope the operation needs;
 * - a malformed request: 400 `invalid_request`;
 * - a bad DPoP proof: 401 `invalid_dpop_proof` (RFC 9449 §7.1).
 * Beside the `Bearer` challenge a `DPoP` one names the proof algorithms accepted (RFC 9449 §7.1).
 */
export interface BearerChallenge {
  readonly status: 400 | 401 | 403;
  readonly error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof';
  readonly description?: string;
  readonly scopes: readonly string[];
  /**
   * The scheme the error is about (RFC 9449 §7.1): a DPoP presentation, or a DPoP-bound token
   * sent as Bearer, is answered in the `DPoP` challenge; everything else in the `Bearer` one.
   */
  readonly scheme?: 'Bearer' | 'DPoP';
}

export interface ResourceServerErrorOptions {
  /** What the log says, when it must say more than the client is told. */
  readonly detail?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Answered with a `WWW-Authenticate: Bearer` challenge. */
  readonly challenge?: BearerChallenge;
  readonly cause?: unknown;
}

export class ResourceServerError extends Error {
  readonly status: number;
  readonly code: OAuthErrorCode | JsonRpcErrorCode;
  /** What the client is told; absent where the code says it all (404, 405). */
  readonly description: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly challenge: BearerChallenge | undefined;

  constructor(
    status: number,
    code: OAuthErrorCode | JsonRpcErrorCode,
    description: string | undefined,
    options: ResourceServerErrorOptions = {},
  ) {
    super(
      options.detail ?? description ?? String(code),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ResourceServerError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.headers = options.headers ?? {};
    this.challenge = options.challenge;
  }
}

/** The token is unknown, expired, revoked or otherwise unusable: 401 invalid_token (RFC 6750 §3.1). */
export class InvalidTokenError extends ResourceServerError {
  constructor(description: string) {
    super(401, 'invalid_token', description);
    this.name = 'InvalidTokenError';
  }
}

/**
 * The AS could not be asked (down, too slow, refusing our own credentials): 503, never a silent
 * acceptance, and never a 401 a client would answer with a new token. The message, which names
 * what an operator must check, goes to the log; the client is told only that the AS is out of reach.
 */
export class VerifierUnavailableError extends ResourceServerError {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super(503, 'temporarily_unavailable', 'the authorization server cannot be reached', {
      detail,
      headers: { 'retry-after': '5' },
      cause: options.cause,
    });
    this.name = 'VerifierUnavailableError';
  }
}

/** A request body or session the MCP endpoint cannot take, answered as JSON-RPC 2.0 §5.1. */
export function jsonRpcError(status: number, code: JsonRpcErrorCode, message: string): ResourceServerError {
  return new ResourceServerError(status, code, message);
}

/** RFC 9110 §15.5.6: 405 names the methods the path has in `Allow`. */
export function methodNotAllowed(allowed: readonly string[]): ResourceServerError {
  return new ResourceServerError(405, 'method_not_allowed', undefined, {
    headers: { allow: allowed.join(', ') },
  });
}
