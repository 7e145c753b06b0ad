/**
 * The conformance suite's client under test:
 *   conformance client --command "node packages/client/conformance/harness.ts" --suite auth
 * The suite appends the MCP server URL as the last argument and names the scenario in
 * `MCP_CONFORMANCE_SCENARIO` (credentials, when a scenario has them, in
 * `MCP_CONFORMANCE_CONTEXT`). Exits 0 when the scenario's server was used successfully,
 * otherwise 1 with a one-line error on stderr.
 */
import { readContext } from './context.ts';
import { runInteractiveAuth } from './interactive-auth.ts';
import { MACHINE_SCENARIOS, runMachineAuth } from './machine-auth.ts';
import { contextToolCalls } from './tool-calls.ts';
import { trace } from './trace.ts';

/** The message of an error and of its causes, on one line. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return (parts.join(': ') || 'unknown error').replace(/\s+/g, ' ');
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const scenario = env.MCP_CONFORMANCE_SCENARIO ?? '(no scenario)';
  const serverUrl = argv.at(-1);
  try {
    if (!serverUrl || !URL.canParse(serverUrl)) throw new Error('usage: harness.ts <mcp-server-url>');
    const context = readContext(env);
    const toolCalls = contextToolCalls(env);
    trace(`start ${scenario} ${serverUrl}`);
    const outcome = MACHINE_SCENARIOS.has(scenario)
      ? await runMachineAuth(serverUrl, context, toolCalls)
      : await runInteractiveAuth(serverUrl, context, toolCalls);
    trace('done');
    process.stdout.write(`${scenario}: ok (${outcome})\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${scenario}: ${describeError(error)}\n`);
    return 1;
  }
}

// Exit explicitly: an SDK stream or socket left open must not keep the suite waiting.
process.exit(await main(process.argv.slice(2), process.env));
