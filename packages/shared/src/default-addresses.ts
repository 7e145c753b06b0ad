/**
 * Where the programs are when nobody says otherwise. They must agree: the resource server's
 * default `--auth-server` is the authorization server's default issuer, the demo resource the
 * authorization server registers is the resource server's default URL, and the client's default
 * `--url` is that same URL.
 */
export const DEFAULT_AUTHORIZATION_SERVER_PORT = 9000;
export const DEFAULT_RESOURCE_SERVER_PORT = 8001;

/** The MCP endpoint's path on the resource server. */
export const MCP_PATH = '/mcp';

/** The issuer of an authorization server on this machine at `port`, when it is given none. */
export function localIssuer(port: number): string {
  return `http://localhost:${port}`;
}

/** The MCP endpoint of a resource server on this machine at `port`, when it is given none. */
export function localMcpUrl(port: number): string {
  return `http://localhost:${port}${MCP_PATH}`;
}

/** `http://localhost:9000`: the AS's issuer and the RS's `--auth-server`, by default. */
export const DEFAULT_ISSUER = localIssuer(DEFAULT_AUTHORIZATION_SERVER_PORT);

/** `http://localhost:8001/mcp`: the RS's URL, the AS's demo resource and the client's `--url`, by default. */
export const DEFAULT_MCP_URL = localMcpUrl(DEFAULT_RESOURCE_SERVER_PORT);
