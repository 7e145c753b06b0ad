import { join } from 'node:path';
import { type Environment, parseFlags, UsageError } from '@mcp-auth/shared';
import { adminAuditFor } from '../admin/admin-audit.ts';
import { isoTime } from '../admin/grant-inventory.ts';
import { fileSecretsStore } from '../keys/file-secrets-store.ts';
import { KEY_REFRESH_INTERVAL_MS } from '../keys/key-refresh.ts';
import { ACTIVATION_DELAY_SECONDS, generationStatuses, withNewGeneration } from '../keys/keys-in-force.ts';
import { generateKeyGeneration, type SecretsStore } from '../keys/server-secrets.ts';
import { dataDirFiles } from '../storage/open-storage.ts';
import { type CommandOutput, shortTime, writeJson, writeTable } from './command-output.ts';
import { dataDirFrom, openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const KEYS_USAGE = `Usage: mcp-auth-as keys <list|rotate> [--json] [--data-dir DIR | --database-url URL]

  list     the signing keys and their state: active (signs), next (published, signs soon),
           retiring (published until every token it signed has expired)
  rotate   new signing and cookie keys: published at once, signing ${ACTIVATION_DELAY_SECONDS} seconds later (by then every
           running server, which re-reads its keys every ${KEY_REFRESH_INTERVAL_MS / 1000} seconds, knows them); the
           previous keys stay published until what they signed has expired, then go
  --json   JSON for scripts (field names in the README)`;

/** One published key as `keys list --json` shows it: these field names are documented, keep them. */
interface KeySummary {
  readonly kid: string;
  readonly algorithm: string;
  readonly state: 'active' | 'next' | 'retiring';
  readonly createdAt: string | null;
  readonly activeFrom: string | null;
  readonly retiredAt: string | null;
}

/** `mcp-auth-as keys …`: the AS's signing keys, and their rotation. */
export async function runKeysCommand(
  argv: string[],
  env: Environment,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseKeysArgs(argv);
  const [action, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${KEYS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (action !== 'list' && action !== 'rotate') {
    throw new UsageError(`unknown keys action "${action}"; use list or rotate`);
  }
  const backend = await openStorageFrom(values, env);
  try {
    // PostgreSQL keeps the keys in the database; SQLite deployments in the data folder's file.
    const store = backend.secrets ?? fileSecretsStore(join(dataDirFrom(values, env), dataDirFiles.secrets));
    if (action === 'list') return await list(io, store, values.json === true);
    const now = Math.floor(Date.now() / 1000);
    const generation = await generateKeyGeneration(now, now + ACTIVATION_DELAY_SECONDS);
    await store.update((current) => withNewGeneration(current, generation));
    const kids = generation.signingKeys.map((key) => key.kid ?? '');
    await adminAuditFor(env, io.stderr).keysRotated({ kids, activeFrom: generation.activeFrom });
    if (values.json) {
      writeJson(io, { kids, activeFrom: isoTime(generation.activeFrom) });
    } else {
      io.stdout.write(
        `new keys ${kids.join(', ')}: published now, signing from ${shortTime(isoTime(generation.activeFrom))}\n`,
      );
      io.stderr.write(
        `Running servers pick them up within ${KEY_REFRESH_INTERVAL_MS / 1000} seconds, no restart needed. The previous keys stay published until every token they signed has expired, then the servers remove them.\n`,
      );
    }
    return 0;
  } finally {
    await backend.close();
  }
}

async function list(io: CommandOutput, store: SecretsStore, json: boolean): Promise<number> {
  const secrets = await store.load();
  if (!secrets) {
    io.stderr.write('no keys yet: start mcp-auth-as once to create them\n');
    return 1;
  }
  // A retiring generation is shown until a server drops it: only the server knows its lifetimes.
  const forever = { signingSeconds: Number.POSITIVE_INFINITY, cookieSeconds: Number.POSITIVE_INFINITY };
  const keys: KeySummary[] = generationStatuses(secrets, Math.floor(Date.now() / 1000), forever).flatMap(
    (status) =>
      status.generation.signingKeys.map((key) => ({
        kid: key.kid ?? '',
        algorithm: key.alg ?? '',
        state: status.state === 'expired' ? 'retiring' : status.state,
        createdAt: status.generation.createdAt > 0 ? isoTime(status.generation.createdAt) : null,
        activeFrom: status.generation.activeFrom > 0 ? isoTime(status.generation.activeFrom) : null,
        retiredAt: status.retiredAt === undefined ? null : isoTime(status.retiredAt),
      })),
  );
  if (json) {
    writeJson(io, keys);
    return 0;
  }
  writeTable(
    io,
    ['KID', 'ALGORITHM', 'STATE', 'CREATED', 'SIGNS FROM', 'RETIRED'],
    keys.map((key) => [
      key.kid,
      key.algorithm,
      key.state,
      shortTime(key.createdAt),
      shortTime(key.activeFrom),
      shortTime(key.retiredAt),
    ]),
  );
  return 0;
}

function parseKeysArgs(argv: string[]) {
  return parseFlags(argv, {
    ...STORAGE_FLAGS,
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
}
