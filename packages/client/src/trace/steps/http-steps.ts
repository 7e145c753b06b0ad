import { authorizationServerMetadata, protectedResourceMetadata } from './discovery.ts';
import { mcpInsufficientScope, mcpRequest, mcpUnauthorized } from './mcp.ts';
import type { HttpStep } from './step.ts';
import { clientRegistration, tokenRefresh, tokenRequest } from './token.ts';

/**
 * Every kind of HTTP exchange the trace knows, first match wins: the OAuth requests (known by
 * their body or the endpoint the metadata named) before the MCP server's own, since an MCP
 * server may be its own AS on one origin (the 2025-03-26 layout).
 */
export const HTTP_STEPS: readonly HttpStep[] = [
  tokenRefresh,
  tokenRequest,
  clientRegistration,
  protectedResourceMetadata,
  authorizationServerMetadata,
  mcpUnauthorized,
  mcpInsufficientScope,
  mcpRequest,
];

/** Anything else (a request this trace has no name for). */
export const otherExchange: HttpStep = {
  matches: () => true,
  describe: () => ({ step: 'http', title: 'HTTP exchange', spec: [], notes: [] }),
};
