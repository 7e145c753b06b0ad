import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizeRequestTarget, refuseRequestTarget } from './request-target.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  /** The flag that sets the port, named when the port cannot be used (default `--port`). */
  readonly portFlag?: string;
  /**
   * At close, how long requests in flight may take to finish before their connections are cut;
   * 0 (the default) cuts every connection at once, open event streams included.
   */
  readonly closeGraceMs?: number;
}

/** A bound port whose requests wait for the app: a program listens first, then builds the app. */
export interface HttpListener {
  readonly server: Server;
  /** The port bound: the one asked for, or the one the system chose for 0. */
  readonly port: number;
  /** From now on requests go to `handler`; before, each is answered 503 with `Retry-After: 1`. */
  serve(handler: RequestHandler): void;
  /** Stops accepting connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Binds the port before the app exists, because the app often needs the port (an issuer or a
 * resource URL naming it). Requests arriving in between get 503 with Retry-After (RFC 9110
 * §15.6.4, §10.2.3), never a hang.
 */
export async function listenUntilReady(options: ListenOptions): Promise<HttpListener> {
  let handler: RequestHandler | undefined;
  const server = createServer((req, res) => {
    // Every program behind this listener routes origin-form targets only (RFC 9112 §3.2).
    if (!normalizeRequestTarget(req)) return refuseRequestTarget(res);
    if (handler) return void handler(req, res);
    res.statusCode = 503;
    res.setHeader('retry-after', '1');
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(explainListenError(error, options));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    serve(next) {
      handler = next;
    },
    close: () => closeServer(server, options.closeGraceMs ?? 0),
  };
}

/** The two listen failures a person can fix, said with the port, the host and the flag to change. */
export function explainListenError(error: NodeJS.ErrnoException, options: ListenOptions): Error {
  const { port, host } = options;
  const flag = options.portFlag ?? '--port';
  if (error.code === 'EADDRINUSE') {
    return new Error(`port ${port} on ${host} is already in use; choose another with ${flag}`, {
      cause: error,
    });
  }
  if (error.code === 'EACCES') {
    return new Error(`not allowed to listen on ${host}:${port}; choose a port above 1023 with ${flag}`, {
      cause: error,
    });
  }
  return error;
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if (graceMs <= 0) {
      server.closeAllConnections();
      return;
    }
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}
