import { readFileSync } from 'node:fs';
import { DEFAULT_MCP_URL, type Environment, parseFlags, UsageError } from '@mcp-auth/shared';
import { type AdminAudit, adminAuditFor } from '../admin/admin-audit.ts';
import { type ClientSummary, findClient, listClients, removeClient } from '../admin/client-inventory.ts';
import { registerPreregisteredClient, removePreregisteredClient } from '../clients/preregistered-clients.ts';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../clients/preregistered-metadata.ts';
import { createOidcAdapterFactory } from '../provider/oidc-adapter.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';
import { type CommandOutput, shortTime, writeJson, writeTable } from './command-output.ts';
import { openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const CLIENTS_USAGE = `Usage: mcp-auth-as clients <add|list|show|remove> [options] [--data-dir DIR | --database-url URL]

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
  list                        stored clients: how each registered (pre-registered or dynamic),
                              what it may do, when it was last used, when a dynamic one expires
                              (clients known by a Client ID Metadata Document URL are not stored)
  show <client_id>            one client in full
  remove <client_id>          delete a client and revoke its grants (running servers stop
                              accepting it within 5 seconds)
  --json                      list and show: JSON for scripts (field names in the README)`;

/** `mcp-auth-as clients …`: clients the operator trusts (MCP registration order: first), and all stored ones. */
export async function runClientsCommand(
  argv: string[],
  env: Environment,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseClientsArgs(argv);
  const [action, target, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${CLIENTS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!['add', 'list', 'show', 'remove'].includes(action)) {
    throw new UsageError(`unknown clients action "${action}"; use add, list, show or remove`);
  }
  if ((action === 'show' || action === 'remove') && !target) {
    throw new UsageError(`clients ${action} needs a client id`);
  }
  if ((action === 'add' || action === 'list') && target)
    throw new UsageError(`unexpected argument "${target}"`);
  const authMethod = values['auth-method'];
  if (authMethod !== undefined && !(CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)) {
    throw new UsageError(`--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  if (action === 'add' && !values.name) throw new UsageError('clients add needs --name');
  const backend = await openStorageFrom(values, env);
  try {
    switch (action) {
      case 'list':
        return printClients(io, await listClients(backend), values.json === true);
      case 'show':
        return printClient(io, await findClient(backend, target ?? ''), target ?? '', values.json === true);
      case 'remove':
        return await remove(io, backend, target ?? '', adminAuditFor(env, io.stderr));
      default:
        return await add(
          io,
          backend,
          values,
          authMethod as ClientAuthMethod | undefined,
          adminAuditFor(env, io.stderr),
        );
    }
  } finally {
    await backend.close();
  }
}

type ClientsValues = ReturnType<typeof parseClientsArgs>['values'];

async function add(
  io: CommandOutput,
  backend: StorageBackend,
  values: ClientsValues,
  authMethod: ClientAuthMethod | undefined,
  audit: AdminAudit,
): Promise<number> {
  const client = await registerPreregisteredClient(
    // The CLI does not know which resources and scopes the server will serve; the server does
    // not need to be running. A resource server binding is checked for shape here, matched at
    // introspection; a scope is checked for shape here, and by oidc-provider when it loads.
    { adapter: createOidcAdapterFactory(backend.artifacts), artifacts: backend.artifacts },
    {
      name: values.name ?? '',
      resourceServer: values['resource-server'] === true,
      ...(values.resource ? { resources: values.resource } : {}),
      ...(values['grant-type'] ? { grantTypes: values['grant-type'] } : {}),
      ...(values.scope ? { scope: values.scope } : {}),
      ...(authMethod ? { authMethod } : {}),
      ...(values['jwks-file'] ? { jwks: readJwksFile(values['jwks-file']) } : {}),
      ...(values['redirect-uri'] ? { redirectUris: values['redirect-uri'] } : {}),
      ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
    },
  );
  await audit.clientRegistered({ clientId: client.client_id });
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
}

async function remove(
  io: CommandOutput,
  backend: StorageBackend,
  clientId: string,
  audit: AdminAudit,
): Promise<number> {
  const adapter = createOidcAdapterFactory(backend.artifacts);
  const removed = await removeClient(
    backend,
    (id) => removePreregisteredClient({ adapter, artifacts: backend.artifacts }, id),
    clientId,
  );
  if (!removed) {
    io.stderr.write(`no client ${clientId}; see mcp-auth-as clients list\n`);
    return 1;
  }
  await audit.clientRemoved({ clientId, grantsRevoked: removed.grantsRevoked });
  io.stdout.write(`removed ${clientId}\n`);
  if (removed.grantsRevoked > 0) io.stderr.write(`Revoked its ${removed.grantsRevoked} grant(s).\n`);
  return 0;
}

const CIMD_NOTE =
  'Clients known by a Client ID Metadata Document URL are not stored, so they are not listed.\n';

function printClients(io: CommandOutput, clients: readonly ClientSummary[], json: boolean): number {
  if (json) {
    writeJson(io, clients);
    return 0;
  }
  writeTable(
    io,
    ['CLIENT ID', 'REGISTRATION', 'NAME', 'PRIVILEGES', 'LAST USED', 'EXPIRES'],
    clients.map((client) => [
      client.clientId,
      client.registration,
      client.name ?? '',
      privilegesText(client),
      shortTime(client.lastUsedAt),
      shortTime(client.expiresAt),
    ]),
  );
  io.stderr.write(CIMD_NOTE);
  return 0;
}

function printClient(
  io: CommandOutput,
  client: ClientSummary | undefined,
  clientId: string,
  json: boolean,
): number {
  if (!client) {
    io.stderr.write(
      `no stored client ${clientId}; see mcp-auth-as clients list (a client known by its Client ID Metadata Document URL is never stored)\n`,
    );
    return 1;
  }
  if (json) {
    writeJson(io, client);
    return 0;
  }
  const lines: Array<[string, string]> = [
    ['Client id', client.clientId],
    ['Name', client.name ?? '-'],
    ['Registration', client.registration],
    ['Authentication', client.authMethod ?? '-'],
    ['Grant types', client.grantTypes.join(' ') || '-'],
    ['Redirect URIs', client.redirectUris.join(' ') || '-'],
    ['Resource server for', listText(client.resourceServerFor, 'every registered resource')],
    ['Client credentials scopes', listText(client.clientCredentialsScopes, 'every scope')],
    ['Registered', shortTime(client.registeredAt)],
    [
      'Last used',
      client.lastUsedAt ? `${shortTime(client.lastUsedAt)} (to the hour)` : 'not in the last 400 days',
    ],
    ['Expires', client.expiresAt ? `${shortTime(client.expiresAt)} unless used before` : 'never'],
  ];
  io.stdout.write(`${lines.map(([label, value]) => `${`${label}:`.padEnd(27)}${value}`).join('\n')}\n`);
  return 0;
}

function privilegesText(client: ClientSummary): string {
  const parts: string[] = [];
  if (client.resourceServerFor)
    parts.push(`introspects ${listText(client.resourceServerFor, 'every resource')}`);
  if (client.clientCredentialsScopes) {
    parts.push(`client_credentials ${listText(client.clientCredentialsScopes, 'every scope')}`);
  }
  return parts.join('; ');
}

function listText(values: readonly string[] | null, every: string): string {
  if (!values) return '-';
  return values.length === 1 && values[0] === '*' ? every : values.join(' ');
}

function parseClientsArgs(argv: string[]) {
  return parseFlags(argv, {
    name: { type: 'string' },
    'resource-server': { type: 'boolean' },
    resource: { type: 'string', multiple: true },
    'grant-type': { type: 'string', multiple: true },
    scope: { type: 'string' },
    'auth-method': { type: 'string' },
    'jwks-file': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string' },
    json: { type: 'boolean' },
    ...STORAGE_FLAGS,
    help: { type: 'boolean', short: 'h' },
  });
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
