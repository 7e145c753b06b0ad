import type { AddressInfo } from 'node:net';
import { createLogger, type HttpListener, listenUntilReady, localIssuer } from '@mcp-auth/shared';
import { startMetricsListener } from '@mcp-auth/shared/metrics';
import {
  type AuthorizationServerApp,
  type AuthorizationServerOverrides,
  createAuthorizationServerApp,
} from './app/create-app.ts';
import { type AuthorizationServerOptionsInput, authorizationServerOptionsSchema } from './options.ts';

export interface RunningAuthorizationServer extends Omit<AuthorizationServerApp, 'handle'> {
  /** Where it listens (may differ from the issuer behind a proxy). */
  readonly url: string;
  readonly port: number;
  /** Where `/metrics` is served, when `metrics` was given (`--metrics-port`). */
  readonly metricsUrl?: string;
}

/** Requests in flight at close may finish for this long before their connections are cut. */
const CLOSE_GRACE_MS = 5000;

/**
 * Starts the AS: listen, then the app. The port is bound first because the issuer may name it
 * (`http://localhost:<port>` when none is given); until the app is ready, requests get 503 with
 * Retry-After instead of waiting.
 */
export async function startAuthorizationServer(
  input: AuthorizationServerOptionsInput,
  overrides: AuthorizationServerOverrides = {},
): Promise<RunningAuthorizationServer> {
  const options = authorizationServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const listener = await listenUntilReady({
    port: options.port,
    host: options.host,
    closeGraceMs: CLOSE_GRACE_MS,
  });
  let app: AuthorizationServerApp;
  try {
    app = await createAuthorizationServerApp(
      { ...input, issuer: options.issuer ?? localIssuer(listener.port) },
      { ...overrides, logger },
    );
  } catch (error) {
    await listener.close();
    throw error;
  }
  let metricsListener: HttpListener | undefined;
  if (options.metrics && app.metricsRegistry) {
    try {
      metricsListener = await startMetricsListener({ ...options.metrics, registry: app.metricsRegistry });
    } catch (error) {
      await listener.close();
      await app.close();
      throw error;
    }
  }
  listener.serve(app.handle);
  const url = listeningUrl(listener.server.address() as AddressInfo);
  const metricsUrl = metricsListener
    ? `${listeningUrl(metricsListener.server.address() as AddressInfo)}/metrics`
    : undefined;
  logger.info('authorization server started', { issuer: app.issuer, listening: url, metrics: metricsUrl });
  const { handle: _handle, ...running } = app;
  return {
    ...running,
    url,
    port: listener.port,
    ...(metricsUrl ? { metricsUrl } : {}),
    close: async () => {
      await Promise.all([listener.close(), metricsListener?.close()]);
      await app.close();
    },
  };
}

function listeningUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
