import { describeOptionErrors, runCommandLine, UsageError } from '@mcp-auth/shared';
import { z } from 'zod';
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
  let server: RunningResourceServer;
  try {
    server = await startResourceServer(args.options);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UsageError(describeOptionErrors(error));
    throw error;
  }
  process.stdout.write(startBanner(server));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  process.stdout.write('MCP Resource Server stopped.\n');
  return 0;
}

await runCommandLine({ name: 'mcp-auth-rs', run: main });
