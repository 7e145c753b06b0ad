import { z } from 'zod';
import { parseCommandLine, USAGE } from './command-line.ts';
import { logout } from './commands/logout.ts';
import { type Output, runToolCommand } from './commands/run-command.ts';
import { describeSignIn, statusLines, whoAmI } from './commands/status.ts';
import { AuthFailure, ClientFailure, EXIT, UsageError } from './connection/errors.ts';
import { McpConnection } from './connection/mcp-connection.ts';
import { quietSdkWarnings } from './connection/quiet-sdk-warnings.ts';
import type { AnswerElicitation } from './elicitation/elicitation-request.ts';
import { FileOAuthProvider } from './oauth/file-oauth-provider.ts';
import { type ClientOptions, clientOptionsSchema } from './options.ts';
import { renderToolResult } from './repl/render-result.ts';
import { CredentialStore } from './store/credential-store.ts';
import type { Tracer } from './trace/tracer.ts';

/** Where a line for the person goes: stderr; through the trace with --trace (JSON with =json). */
let reportLine = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/** `--trace`: loaded only when asked for, so that a run without it does nothing more than before. */
async function startTrace(
  options: ClientOptions & { trace: 'text' | 'json' },
  env: NodeJS.ProcessEnv,
): Promise<Tracer> {
  const { Tracer, traceUsesColor } = await import('./trace/tracer.ts');
  return new Tracer({
    format: options.trace,
    write: (text) => process.stderr.write(text),
    color: options.trace === 'text' && traceUsesColor(process.stderr, env),
    serverUrl: options.url,
    registration: { clientId: options.clientId, clientMetadataUrl: options.clientMetadataUrl },
  });
}

/** `mcp-auth-client`: the only place that reads argv, the environment and the terminal. */
async function main(argv: string[]): Promise<number> {
  const env = process.env;
  const parsed = parseCommandLine(argv, env);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  let options: ClientOptions;
  try {
    options = clientOptionsSchema.parse(parsed.options);
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new UsageError(error.issues.map((issue) => issue.message).join('; '));
    throw error;
  }
  if (!options.verbose) quietSdkWarnings(console);
  const color = process.stdout.isTTY === true && env.NO_COLOR === undefined && !options.json;
  const output: Output = {
    json: options.json,
    color,
    line: (text) => process.stdout.write(`${text}\n`),
    renderResult: (result) => renderToolResult(result, { color }),
  };
  // Progress and sign-in messages go to stderr, so stdout stays clean for scripts and --json;
  // so does the trace, which then carries them (as JSON objects too, with --trace=json).
  const tracer = options.trace ? await startTrace({ ...options, trace: options.trace }, env) : undefined;
  if (tracer) reportLine = (line) => tracer.say(line);
  const say = reportLine;
  const store = new CredentialStore(options.storeDir);
  const command = parsed.command;

  if (command.kind === 'logout' || command.kind === 'status') {
    const provider = new FileOAuthProvider({
      store,
      serverUrl: options.url,
      redirectUrl: 'http://127.0.0.1/callback',
      onAuthorizationUrl: () => {
        throw new AuthFailure('not signed in');
      },
    });
    if (command.kind === 'logout') {
      output.line(await logout(provider));
      return EXIT.ok;
    }
    const status = await describeSignIn(provider, options.url);
    const identity = status.signedIn ? await whoAmI(options, store, say, tracer) : undefined;
    if (options.json)
      output.line(JSON.stringify({ ...status, ...(identity ? { signedInAs: identity } : {}) }));
    else for (const line of statusLines(status, identity)) output.line(line);
    return status.signedIn ? EXIT.ok : EXIT.auth;
  }

  // The REPL answers the server's elicitation requests at its prompt once it runs; until then
  // (and for `list` and `call`, which are scripted) there is no one to ask.
  let answerAtPrompt: AnswerElicitation | undefined;
  const connection = await McpConnection.open({
    url: options.url,
    transport: options.transport,
    store,
    callbackPort: options.callbackPort,
    browser: env.MCP_AUTH_CLIENT_BROWSER_MODE === 'follow' ? 'follow' : options.browser,
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.clientId
      ? {
          preregistered: {
            clientId: options.clientId,
            ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
          },
        }
      : {}),
    ...(options.clientMetadataUrl ? { clientMetadataUrl: options.clientMetadataUrl } : {}),
    dpop: options.dpop,
    interactive: true,
    say,
    stderr: process.stderr,
    env,
    trace: tracer,
    ...(command.kind === 'repl'
      ? {
          elicitation: (request, signal) =>
            answerAtPrompt
              ? answerAtPrompt(request, signal)
              : Promise.resolve({ action: 'decline' as const }),
        }
      : {}),
  });
  try {
    if (command.kind === 'repl') {
      // Loaded only for the REPL: `list` and `call` are run by scripts, where start-up time counts.
      const [{ runRepl }, { replSessionFor }, { historyFileFor }] = await Promise.all([
        import('./repl/run-repl.ts'),
        import('./commands/repl-session-adapter.ts'),
        import('./repl/history.ts'),
      ]);
      await runRepl({
        session: replSessionFor(connection, options.url),
        input: process.stdin,
        output: process.stdout,
        terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
        color,
        historyFile: historyFileFor(options.storeDir),
        onReady: (controls) => {
          answerAtPrompt = controls.answerElicitation;
        },
      });
      return EXIT.ok;
    }
    return await runToolCommand(connection, command, output);
  } finally {
    await connection.close();
  }
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    reportLine(`mcp-auth-client: ${message}`);
    if (error instanceof UsageError) reportLine('Run mcp-auth-client --help for usage.');
    if (verbose && error instanceof Error) {
      reportLine(error.stack ?? '');
      if (error.cause) reportLine(`caused by: ${String((error.cause as Error).stack ?? error.cause)}`);
    }
    process.exitCode =
      error instanceof UsageError
        ? EXIT.usage
        : error instanceof ClientFailure
          ? error.exitCode
          : EXIT.failure;
  },
);
