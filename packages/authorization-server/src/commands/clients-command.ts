import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MCP_URL, UsageError } from '@mcp-auth/shared';
import { registerPreregisteredClient, removePreregisteredClient } from '../clients/preregistered-clients.ts';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../clients/preregistered-metadata.ts';
import { createOidcAdapterFactory } from '../provider/oidc-adapter.ts';
import { openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const CLIENTS_USAGE = `Usage: mcp-auth-as clients <add|remove> [options] [--data-dir DIR | --database-url URL]

  add --name NAME [options]   pre-register a client; prints its id and secret once
      --resource-server       a resource server: it may introspect (RFC 7662) access tokens
                              for the resources named with --resource
      --resource URI          a resource it serves, as the AS registers it (repeatable;
                              required with --resource-server), e.g. ${DEFAULT_MCP_URL}
      --grant-type TYPE       client_credentials, authorization_code, refresh_token (repeatable)
      --scope "S1 S2"         the scopes it may ask for (required with client_credentials)
      --auth-method M         client_secret_basic (default), client_secret_post, private_key_jwt, none
      --jwks-file FILE        its public keys (JWKS JSON) for private_key_jwt
      --redirect-uri URI      for authorization_code clients (repeatable)
      --client-id ID          choose the id instead of a generated one
  remove <client_id>          delete a pre-registered client (running servers stop accepting
                              it within 5 seconds)`;

/** `mcp-auth-as clients …`: clients the operator trusts (MCP registration order: first). */
export async function runClientsCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseClientsArgs(argv);
  const [action, target, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${CLIENTS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const authMethod = values['auth-method'];
  if (authMethod !== undefined && !(CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)) {
    throw new UsageError(`--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  const backend = await openStorageFrom(values, env);
  try {
    const adapter = createOidcAdapterFactory(backend.artifacts);
    const artifacts = backend.artifacts;
    if (action === 'remove') {
      if (!target) throw new UsageError('clients remove needs a client id');
      const removed = await removePreregisteredClient({ adapter, artifacts }, target);
      io[removed ? 'stdout' : 'stderr'].write(removed ? `removed ${target}\n` : `no client ${target}\n`);
      return removed ? 0 : 1;
    }
    if (action !== 'add') throw new UsageError(`unknown clients action "${action}"; use add or remove`);
    if (!values.name) throw new UsageError('clients add needs --name');
    const client = await registerPreregisteredClient(
      // The CLI does not know which resources and scopes the server will serve; the server does
      // not need to be running. A resource server binding is checked for shape here, matched at
      // introspection; a scope is checked for shape here, and by oidc-provider when it loads.
      { adapter, artifacts },
      {
        name: values.name,
        resourceServer: values['resource-server'] === true,
        ...(values.resource ? { resources: values.resource } : {}),
        ...(values['grant-type'] ? { grantTypes: values['grant-type'] } : {}),
        ...(values.scope ? { scope: values.scope } : {}),
        ...(authMethod ? { authMethod: authMethod as ClientAuthMethod } : {}),
        ...(values['jwks-file'] ? { jwks: readJwksFile(values['jwks-file']) } : {}),
        ...(values['redirect-uri'] ? { redirectUris: values['redirect-uri'] } : {}),
        ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      },
    );
    io.stdout.write(`client_id=${client.client_id}\n`);
    if (client.client_secret) {
      io.stdout.write(`client_secret=${client.client_secret}\n`);
      io.stderr.write('Store the secret now: only its hash is kept, it cannot be shown again.\n');
    }
    const introspection = client.privileges.introspection;
    if (introspection && 'resources' in introspection) {
      io.stderr.write(`It may introspect access tokens for ${introspection.resources.join(', ')}.\n`);
    }
    return 0;
  } finally {
    await backend.close();
  }
}

function parseClientsArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        name: { type: 'string' },
        'resource-server': { type: 'boolean' },
        resource: { type: 'string', multiple: true },
        'grant-type': { type: 'string', multiple: true },
        scope: { type: 'string' },
        'auth-method': { type: 'string' },
        'jwks-file': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'client-id': { type: 'string' },
        ...STORAGE_FLAGS,
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readJwksFile(path: string): { keys: Record<string, unknown>[] } {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) throw new Error('it has no "keys" array');
    return parsed as { keys: Record<string, unknown>[] };
  } catch (error) {
    throw new UsageError(`--jwks-file ${path} is not a JWKS: ${(error as Error).message}`);
  }
}
