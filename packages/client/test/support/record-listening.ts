/**
 * Preloaded into the client under test (`NODE_OPTIONS=--import=…`, see `listenRecorderEnv`):
 * appends one line to the file named by TEST_LISTEN_LOG each time the process starts listening
 * on a socket, so a test can tell whether the client opened a loopback port at all. Only this
 * process records: the variables are removed before it can start others (the browser stand-in).
 */
import { appendFileSync } from 'node:fs';
import { Server } from 'node:net';

const log = process.env.TEST_LISTEN_LOG;
delete process.env.TEST_LISTEN_LOG;
delete process.env.NODE_OPTIONS;
if (log) {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function recordedListen(this: Server, ...args: unknown[]) {
    appendFileSync(log, `${JSON.stringify(args[0] ?? null)}\n`);
    return Reflect.apply(listen, this, args);
  } as typeof listen;
}
