import { z } from 'zod';
import { describeOptionErrors } from '../options.ts';
import { type RunningResourceServer, startResourceServer } from '../server.ts';
import { parseResourceServerArgs, USAGE, UsageError } from './parse-args.ts';

/** `mcp-auth-rs`: parse, start, print where it is, stop cleanly on SIGINT/SIGTERM. */
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
  process.stdout.write(
    [
      '',
      `MCP Resource Server  ${server.resourceUrl}`,
      `  authorization server  ${server.authorizationServer}`,
      `  token verification    ${server.verifier}`,
      `  metadata              ${new URL(server.resourceUrl).origin}/.well-known/oauth-protected-resource${new URL(server.resourceUrl).pathname}`,
      '',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  process.stdout.write('MCP Resource Server stopped.\n');
  return 0;
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2).filter((arg) => arg !== '--verbose')).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`mcp-auth-rs: ${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) process.stderr.write('Run mcp-auth-rs --help for usage.\n');
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
