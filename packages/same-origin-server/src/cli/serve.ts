import { describeOptionErrors, UsageError } from '@mcp-auth/shared';
import { z } from 'zod';
import { type RunningSameOriginServer, startSameOriginServer } from '../server.ts';
import { parseSameOriginArgs, USAGE } from './parse-args.ts';

/** `mcp-auth-legacy`: parse, start, print where it is, stop cleanly on SIGINT/SIGTERM. */
export async function serve(argv: string[]): Promise<number> {
  const args = parseSameOriginArgs(argv, process.env);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let server: RunningSameOriginServer;
  try {
    server = await startSameOriginServer(args.options);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UsageError(describeOptionErrors(error));
    throw error;
  }
  // The first line keeps the wording scripts and the README's command test wait for.
  process.stdout.write(
    [
      '',
      `MCP legacy combined server  ${server.issuer}`,
      `  MCP endpoint   ${server.mcpUrl}`,
      `  AS metadata    ${server.issuer}/.well-known/oauth-authorization-server`,
      ...(server.demoAccount
        ? [`  demo account   ${server.demoAccount.username} / ${server.demoAccount.password}`]
        : []),
      '',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}
