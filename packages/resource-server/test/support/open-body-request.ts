import { request } from 'node:http';

export interface OpenBodyAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface OpenBodyRequest {
  /** The server's whole answer, given while the request body is still open. */
  readonly answer: Promise<OpenBodyAnswer>;
  /** Resolves once the server has closed the connection (the client never does). */
  readonly connectionClosed: Promise<void>;
  /** Ends the exchange from the client side (test clean-up). */
  abort(): void;
}

/**
 * A request (POST unless told) whose body never ends: the headers and `firstPart` are sent, and
 * nothing else, ever. A server that waits for the whole body before answering never answers it;
 * one that answers from the headers alone does. Each request gets its own connection.
 */
export function requestWithOpenBody(
  url: string,
  headers: Record<string, string>,
  firstPart: string | Buffer,
  method = 'POST',
): OpenBodyRequest {
  const outgoing = request(url, {
    method,
    agent: false,
    headers: {
      'content-type': 'application/json',
      // Node chunks POST bodies by default, not GET or DELETE ones; a declared length wins.
      ...(headers['content-length'] === undefined ? { 'transfer-encoding': 'chunked' } : {}),
      ...headers,
    },
  });
  outgoing.on('error', () => {});
  const connectionClosed = new Promise<void>((resolve) => {
    outgoing.once('socket', (socket) => socket.once('close', () => resolve()));
  });
  const answer = new Promise<OpenBodyAnswer>((resolve, reject) => {
    outgoing.once('error', reject);
    outgoing.once('response', (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.once('end', () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text }),
      );
      incoming.once('error', reject);
    });
  });
  // Chunked: the body's length is unknown to the server.
  outgoing.flushHeaders();
  outgoing.write(firstPart);
  return { answer, connectionClosed, abort: () => outgoing.destroy() };
}
