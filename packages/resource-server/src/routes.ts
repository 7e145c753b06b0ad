import type { CallerGate } from './auth/caller-gate.ts';
import type { Route } from './http/router.ts';
import { sendJson, sendJsonText } from './http/send-response.ts';
import { refuseUndrainableBody } from './http/unread-body.ts';
import { protectedResourceMetadata, protectedResourceMetadataPaths } from './protected-resource-metadata.ts';
import type { DeprecatedSseEndpoint } from './transports/deprecated-sse.ts';
import type { StreamableHttpEndpoint } from './transports/streamable-http.ts';

/** RFC 9728 §3: the metadata document, public and cacheable, serialised once, at each of its paths. */
export function protectedResourceMetadataRoute(
  resourceUrl: string,
  authorizationServer: string,
  dpopRequired = false,
): Route {
  const document = JSON.stringify(protectedResourceMetadata(resourceUrl, authorizationServer, dpopRequired));
  return {
    name: 'protected_resource_metadata',
    paths: protectedResourceMetadataPaths(resourceUrl),
    methods: ['GET', 'HEAD'],
    cors: 'any-origin',
    handle(_req, res) {
      res.setHeader('cache-control', 'public, max-age=300');
      sendJsonText(res, 200, document);
    },
  };
}

/** For load balancers and start-up scripts: no token, no CORS, any method. */
export const HEALTH_ROUTE: Route = {
  name: 'healthz',
  paths: ['/healthz'],
  methods: 'any',
  cors: 'none',
  handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
};

/**
 * The MCP endpoint (MCP "Transports", Streamable HTTP): POST carries a message, GET opens a 2025
 * session's event stream, DELETE ends a 2025 session; neither of those two carries a body.
 */
export function streamableHttpRoute(
  mcpPath: string,
  gate: CallerGate,
  endpoint: StreamableHttpEndpoint,
): Route {
  return {
    name: 'mcp',
    paths: [mcpPath],
    methods: ['GET', 'POST', 'DELETE'],
    cors: 'allowed-origins',
    async handle(req, res, requestUrl) {
      const caller = await gate.authenticate(req, requestUrl);
      if (req.method !== 'POST') refuseUndrainableBody(req);
      const message = req.method === 'POST' ? await gate.readPermittedMessage(req, caller) : undefined;
      return endpoint.handle(req, res, message, caller);
    },
  };
}

/** The deprecated HTTP+SSE transport (MCP 2024-11-05): GET opens the stream, POST sends into it. */
export function deprecatedSseRoutes(
  paths: { stream: string; messages: string },
  gate: CallerGate,
  endpoint: DeprecatedSseEndpoint,
): Route[] {
  return [
    {
      name: 'sse_stream',
      paths: [paths.stream],
      methods: ['GET'],
      cors: 'allowed-origins',
      async handle(req, res, requestUrl) {
        const caller = await gate.authenticate(req, requestUrl);
        refuseUndrainableBody(req);
        return endpoint.open(res, caller);
      },
    },
    {
      name: 'sse_messages',
      paths: [paths.messages],
      methods: ['POST'],
      cors: 'allowed-origins',
      async handle(req, res, requestUrl) {
        const caller = await gate.authenticate(req, requestUrl);
        return endpoint.post(req, res, await gate.readPermittedMessage(req, caller), caller);
      },
    },
  ];
}
