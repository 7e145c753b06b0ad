import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago, for tests and benchmarks whose servers must name
 * their port (a resource URL, an nginx upstream) before they start.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
