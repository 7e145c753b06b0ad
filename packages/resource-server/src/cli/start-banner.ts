import type { RunningResourceServer } from '../server.ts';

/**
 * What `mcp-auth-rs` prints once it listens: the URL a client is given for each transport it
 * serves (Streamable HTTP at the MCP URL, the deprecated HTTP+SSE transport at `…/sse`), its AS,
 * its verifier and its RFC 9728 metadata.
 */
export function startBanner(
  server: Pick<
    RunningResourceServer,
    'resourceUrl' | 'authorizationServer' | 'verifier' | 'metricsUrl' | 'transport'
  >,
): string {
  const { transport } = server;
  const resource = new URL(server.resourceUrl);
  const endpoints = [
    ...(transport === 'stateless'
      ? [`  Streamable HTTP       ${server.resourceUrl}   (stateless: no sessions)`]
      : transport !== 'sse'
        ? [`  Streamable HTTP       ${server.resourceUrl}`]
        : []),
    ...(transport === 'sse' || transport === 'all'
      ? [`  HTTP+SSE (deprecated) ${server.resourceUrl}/sse   (mcp-auth-client --transport sse)`]
      : []),
  ];
  return [
    '',
    `MCP Resource Server  ${server.resourceUrl}`,
    ...endpoints,
    `  authorization server  ${server.authorizationServer}`,
    `  token verification    ${server.verifier}`,
    `  metadata              ${resource.origin}/.well-known/oauth-protected-resource${resource.pathname}`,
    ...(server.metricsUrl ? [`  metrics               ${server.metricsUrl}`] : []),
    '',
    '',
  ].join('\n');
}
