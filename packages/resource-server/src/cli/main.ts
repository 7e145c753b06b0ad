import {
  createLogger,
  describeOptionErrors,
  isWorkerProcess,
  leaveWorkerPool,
  reportWorkerReady,
  runCommandLine,
  superviseWorkers,
  UsageError,
  workerStopRequested,
} from '@mcp-auth/shared';
import { z } from 'zod';
import { type ResourceServerOptionsInput, resourceServerOptionsSchema } from '../options.ts';
import { type RunningResourceServer, startResourceServer } from '../server.ts';
import { parseResourceServerArgs, USAGE } from './parse-args.ts';
import { startBanner } from './start-banner.ts';

/** `mcp-auth-rs` (the bin runs this module): parse, start, print where it is, stop cleanly on SIGINT/SIGTERM. */
async function main(argv: string[]): Promise<number> {
  const args = parseResourceServerArgs(argv, process.env);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (isWorkerProcess()) return serveAsWorker(args.options);
  if (args.workers > 1) return superviseResourceServers(args.workers, args.options);
  const server = await start(args.options);
  process.stdout.write(startBanner(server));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  process.stdout.write('MCP Resource Server stopped.\n');
  return 0;
}

async function start(options: ResourceServerOptionsInput): Promise<RunningResourceServer> {
  try {
    return await startResourceServer(options);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UsageError(describeOptionErrors(error));
    throw error;
  }
}

/**
 * `--workers N` (with `--transport stateless`): this process supervises N workers on the one
 * port. Each verifies tokens on its own (its own introspection cache, so a token may be
 * introspected once per worker) and keeps no session.
 */
async function superviseResourceServers(count: number, options: ResourceServerOptionsInput): Promise<number> {
  const parsed = resourceServerOptionsSchema.safeParse(options);
  if (!parsed.success) throw new UsageError(describeOptionErrors(parsed.error));
  const code = await superviseWorkers({
    count,
    logger: createLogger({ level: parsed.data.logLevel }).child({ role: 'primary' }),
    onReady: (text, pids) =>
      process.stdout.write(
        `${text.trimEnd()}\n  workers               ${count} processes (${pids.join(', ')})\n\n`,
      ),
  });
  process.stdout.write('MCP Resource Server stopped.\n');
  return code;
}

/** One of the `--workers` processes: serve until the primary (or a signal) says stop. */
async function serveAsWorker(options: ResourceServerOptionsInput): Promise<number> {
  const server = await start(options);
  reportWorkerReady(startBanner(server));
  await workerStopRequested();
  await server.close();
  leaveWorkerPool();
  return 0;
}

await runCommandLine({ name: 'mcp-auth-rs', run: main });
