import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpConnection } from '../src/connection/mcp-connection.ts';
import type { AnswerElicitation } from '../src/elicitation/elicitation-request.ts';
import { formDefaults } from '../src/elicitation/form-defaults.ts';
import { CredentialStore } from '../src/store/credential-store.ts';
import type { ConformanceContext } from './context.ts';
import { exerciseServer } from './exercise.ts';
import type { ToolCall } from './tool-calls.ts';
import { trace } from './trace.ts';

/** The suite's AS accepts this URL as a Client ID Metadata Document client_id without fetching it. */
export const CONFORMANCE_CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/**
 * The person the suite has in mind accepts every elicitation: a form with the schema's defaults
 * (what the REPL's prompts take on empty answers, SEP-1034), a URL as visited (nothing is opened).
 */
const acceptElicitation: AnswerElicitation = async (request) => {
  trace(`elicitation (${request.mode}): ${request.message}`);
  return request.mode === 'form'
    ? { action: 'accept', content: formDefaults(request.requestedSchema) }
    : { action: 'accept' };
};

/** Generous: this 2-core machine runs several scenarios at once. */
const SIGN_IN_TIMEOUT_MS = 90_000;

/**
 * The authorization-code scenarios, run by the client library itself: `McpConnection` does the
 * sign-in through the SDK (discovery, pre-registered → CIMD → DCR, PKCE, `resource`, step-up),
 * with a headless stand-in browser instead of a person (the suite's AS redirects straight
 * back to the loopback callback). Each run gets its own credential store, since scenarios run
 * in parallel and every scenario is a first sign-in.
 */
export async function runInteractiveAuth(
  serverUrl: string,
  context: ConformanceContext,
  toolCalls: readonly ToolCall[],
): Promise<string> {
  const storeDir = await mkdtemp(join(tmpdir(), 'mcp-auth-conformance-'));
  try {
    const connection = await McpConnection.open({
      url: serverUrl,
      transport: 'streamable-http',
      store: new CredentialStore(storeDir),
      callbackPort: 0,
      // The suite's AS redirects at once: the library follows the redirect itself, no browser.
      browser: 'follow',
      interactive: true,
      clientMetadataUrl: CONFORMANCE_CLIENT_METADATA_URL,
      ...(context.name === 'auth/pre-registration'
        ? { preregistered: { clientId: context.clientId, clientSecret: context.clientSecret } }
        : {}),
      say: trace,
      stderr: process.stderr,
      env: process.env,
      signInTimeoutMs: SIGN_IN_TIMEOUT_MS,
      elicitation: acceptElicitation,
    });
    trace('connected');
    try {
      return await exerciseServer((operation) => connection.run(operation), toolCalls);
    } finally {
      await connection.close();
      trace('closed');
    }
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}
