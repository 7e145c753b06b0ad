import { type Environment, parseFlags, UsageError } from '@mcp-auth/shared';
import { adminAuditFor } from '../admin/admin-audit.ts';
import {
  type GrantFilter,
  type GrantSummary,
  listGrants,
  revokeGrant,
  revokeGrants,
} from '../admin/grant-inventory.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';
import { type CommandOutput, shortTime, writeJson, writeTable } from './command-output.ts';
import { openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const GRANTS_USAGE = `Usage: mcp-auth-as grants <list|revoke> [options] [--data-dir DIR | --database-url URL]

A grant is what one person allowed one client: its tokens all belong to it.

  list [--user NAME] [--client ID]       live grants, with their resources and scopes
  revoke <grant_id>                      revoke one grant: its refresh tokens, codes and access
                                         tokens stop working (introspection answers them inactive;
                                         a resource server verifying JWTs refuses them at exp),
                                         and the person is asked to consent again
  revoke --user NAME [--client ID]       revoke every grant of a person (for one client)
  revoke --client ID                     revoke every grant of a client
  --json                                 JSON for scripts (field names in the README)`;

/** `mcp-auth-as grants …`: what people allowed clients, and taking it back. */
export async function runGrantsCommand(
  argv: string[],
  env: Environment,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseGrantsArgs(argv);
  const [action, grantId, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${GRANTS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (action !== 'list' && action !== 'revoke') {
    throw new UsageError(`unknown grants action "${action}"; use list or revoke`);
  }
  const byFilter = values.user !== undefined || values.client !== undefined;
  if (action === 'list' && grantId) throw new UsageError(`unexpected argument "${grantId}"`);
  if (action === 'revoke' && !grantId && !byFilter) {
    throw new UsageError('grants revoke needs a grant id, or --user NAME and/or --client ID');
  }
  if (action === 'revoke' && grantId && byFilter) {
    throw new UsageError('grants revoke takes a grant id or --user/--client, not both');
  }
  const backend = await openStorageFrom(values, env);
  try {
    const filter = await filterFrom(backend, values);
    if (!filter) {
      io.stderr.write(`no account named ${values.user}; see mcp-auth-as users list\n`);
      return 1;
    }
    if (action === 'list') return printGrants(io, await listGrants(backend, filter), values.json === true);
    const revoked = grantId
      ? [await revokeGrant(backend, grantId)].filter((grant): grant is GrantSummary => grant !== undefined)
      : await revokeGrants(backend, filter);
    const audit = adminAuditFor(env, io.stderr);
    for (const grant of revoked) {
      await audit.grantRevoked({
        grantId: grant.grantId,
        accountId: grant.accountId ?? undefined,
        clientId: grant.clientId ?? undefined,
      });
    }
    if (values.json) {
      writeJson(io, { revoked: revoked.map((grant) => grant.grantId) });
    } else {
      for (const grant of revoked) io.stdout.write(`revoked ${grant.grantId}\n`);
    }
    if (grantId && revoked.length === 0) {
      io.stderr.write(`no live grant ${grantId}; see mcp-auth-as grants list\n`);
      return 1;
    }
    if (!grantId && revoked.length === 0 && !values.json)
      io.stderr.write('No grant matched: nothing revoked.\n');
    return 0;
  } finally {
    await backend.close();
  }
}

/** The filter `--user` and `--client` name; undefined when `--user` names no account. */
async function filterFrom(
  backend: StorageBackend,
  values: { user?: string | undefined; client?: string | undefined },
): Promise<GrantFilter | undefined> {
  let accountId: string | undefined;
  if (values.user !== undefined) {
    const account = await backend.accounts.findByUsername(values.user);
    if (!account) return undefined;
    accountId = account.id;
  }
  return {
    ...(accountId !== undefined ? { accountId } : {}),
    ...(values.client !== undefined ? { clientId: values.client } : {}),
  };
}

function printGrants(io: CommandOutput, grants: readonly GrantSummary[], json: boolean): number {
  if (json) {
    writeJson(io, grants);
    return 0;
  }
  writeTable(
    io,
    ['GRANT ID', 'USER', 'CLIENT ID', 'RESOURCES AND SCOPES', 'CREATED', 'EXPIRES'],
    grants.map((grant) => [
      grant.grantId,
      grant.username ?? grant.accountId ?? '',
      grant.clientId ?? '',
      Object.entries(grant.resources)
        .map(([resource, scopes]) => `${resource} (${scopes.join(' ')})`)
        .join(', '),
      shortTime(grant.createdAt),
      shortTime(grant.expiresAt),
    ]),
  );
  return 0;
}

function parseGrantsArgs(argv: string[]) {
  return parseFlags(argv, {
    user: { type: 'string' },
    client: { type: 'string' },
    json: { type: 'boolean' },
    ...STORAGE_FLAGS,
    help: { type: 'boolean', short: 'h' },
  });
}
