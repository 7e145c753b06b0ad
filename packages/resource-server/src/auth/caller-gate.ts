import type { IncomingMessage } from 'node:http';
import { BASE_SCOPES, scopesForMessage } from '../tools/tool-scopes.ts';
import { requireScopes, verifyBearerToken } from './authenticate-request.ts';
import type { DpopPolicy } from './dpop-presentation.ts';
import { type Caller, sessionOwner, type TokenVerifier } from './verified-token.ts';

export interface CallerGateOptions {
  readonly verifier: TokenVerifier;
  /** The canonical URI of the MCP endpoint: the audience a token must name (RFC 8707). */
  readonly resourceUrl: string;
  readonly dangerouslyAcceptAnyAudience: boolean;
  /** Reads a JSON-RPC message from the request body within its limits, or throws the refusal. */
  readonly readMessage: (req: IncomingMessage) => Promise<unknown>;
  /** DPoP (RFC 9449): the replay memory, and whether Bearer is refused. */
  readonly dpop: DpopPolicy;
}

/**
 * The two checks every MCP request passes, in this order, each throwing its refusal:
 * `authenticate` from the headers alone (so an anonymous request costs no body reading), then
 * `readPermittedMessage`: the body, read only now, and the scopes its message needs.
 */
export interface CallerGate {
  authenticate(req: IncomingMessage, requestUrl: URL): Promise<Caller>;
  readPermittedMessage(req: IncomingMessage, caller: Caller): Promise<unknown>;
}

export function createCallerGate(options: CallerGateOptions): CallerGate {
  return {
    async authenticate(req, requestUrl) {
      const authInfo = await verifyBearerToken(req, {
        verifier: options.verifier,
        resourceUrl: options.resourceUrl,
        acceptAnyAudience: options.dangerouslyAcceptAnyAudience,
        challengeScopes: BASE_SCOPES,
        requestUrl,
        dpop: options.dpop,
      });
      // AuthInfo.resource (RFC 8707): the resource the token was accepted for, a URL per request.
      return {
        authInfo: { ...authInfo, resource: new URL(options.resourceUrl) },
        principal: sessionOwner(authInfo),
      };
    },
    async readPermittedMessage(req, caller) {
      const message = await options.readMessage(req);
      requireScopes(caller.authInfo, scopesForMessage(message));
      return message;
    },
  };
}
