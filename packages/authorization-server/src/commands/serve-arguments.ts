import { readFileSync } from 'node:fs';
import { parseFlags, UsageError, wholeNumberFlag, workersFlag } from '@mcp-auth/shared';
import { AUDIT_LOG_VARIABLE } from '../admin/admin-audit.ts';
import type { AuthorizationServerOptionsInput } from '../options.ts';
import { databaseFrom, dataDirFrom, STORAGE_FLAGS } from './storage-flags.ts';

const SERVE_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  issuer: { type: 'string' },
  ...STORAGE_FLAGS,
  config: { type: 'string' },
  resource: { type: 'string', multiple: true },
  'resource-scopes': { type: 'string' },
  'resource-token-format': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'max-dynamic-clients': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'code-ttl': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'log-level': { type: 'string' },
  'audit-log': { type: 'string' },
  'dangerously-allow-loopback-client-metadata': { type: 'boolean' },
  'dangerously-allow-insecure-issuer': { type: 'boolean' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ServeArgs {
  readonly help: boolean;
  /** `--workers`: processes serving the one port (1 unless asked; see worker-processes.ts). */
  readonly workers: number;
  readonly options: AuthorizationServerOptionsInput;
}

/** argv (after the program name) and the environment → raw options for zod to validate. */
export function parseServeArgs(argv: string[], env: Readonly<Record<string, string | undefined>>): ServeArgs {
  const { values, positionals } = parseOrUsageError(argv);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port ?? env.PORT;
  const config = values.config !== undefined ? readConfigFile(values.config) : {};
  const workers = values.workers !== undefined ? workersFlag(values.workers) : 1;
  if (workers > 1 && values['metrics-port'] !== undefined) {
    throw new UsageError(
      `--metrics-port serves one process's counters, so it needs --workers 1, not ${workers}; ` +
        'run the metrics on a single-worker instance, or leave --metrics-port out',
    );
  }
  return {
    help: values.help === true,
    workers,
    options: {
      ...(port !== undefined ? { port: parsePort(port) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
      dataDir: dataDirFrom(values, env),
      ...databaseFrom(values, env),
      ...resourcesFrom(values, config),
      tokenLifetimes: tokenLifetimesFrom(values, config),
      ...metricsFrom(values),
      trustProxy: values['trust-proxy'] === true,
      ...(values['max-dynamic-clients'] !== undefined
        ? { dynamicClients: { max: parseMaxDynamicClients(values['max-dynamic-clients']) } }
        : {}),
      ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as never } : {}),
      ...auditLogFrom(values['audit-log'], config, env),
      dangerouslyAllowLoopbackClientMetadata: values['dangerously-allow-loopback-client-metadata'] === true,
      dangerouslyAllowInsecureIssuer: values['dangerously-allow-insecure-issuer'] === true,
    },
  };
}

/**
 * The registry comes from `--config`, `--resource` flags, or both (merged); with neither, the
 * demo registry applies. A `--resource` gets the scopes of `--resource-scopes` (default `user`).
 */
function resourcesFrom(
  values: {
    config?: string;
    resource?: string[];
    'resource-scopes'?: string;
    'resource-token-format'?: string;
  },
  config: ConfigFile,
): Pick<AuthorizationServerOptionsInput, 'resources'> {
  const fromFile = config.resources ?? [];
  const format = values['resource-token-format'];
  if (format !== undefined && format !== 'opaque' && format !== 'jwt') {
    throw new UsageError(`--resource-token-format must be opaque or jwt, not "${format}"`);
  }
  const scopes = (values['resource-scopes'] ?? 'user').split(/\s+/).filter(Boolean);
  const fromFlags = (values.resource ?? []).map((uri) => ({
    uri,
    name: URL.parse(uri)?.host ?? uri,
    scopes: scopes.map((name) => ({ name, description: `The "${name}" permission of this server` })),
    ...(format ? { tokenFormat: format } : {}),
  }));
  const resources = [...(fromFile as unknown[]), ...fromFlags];
  // A config file holding only lifetimes keeps the demo registry; one naming `resources` replaces it.
  return resources.length > 0 || config.resources !== undefined ? { resources: resources as never } : {};
}

/** Seconds a lifetime flag may say (zod then checks each lifetime's own range). */
const MAX_LIFETIME_SECONDS = 365 * 24 * 3600;

/**
 * `--access-token-ttl`, `--refresh-token-ttl`, `--code-ttl` (seconds), each over the config file's
 * `accessTokenTtlSeconds`, `refreshTokenTtlSeconds`, `codeTtlSeconds`.
 */
function tokenLifetimesFrom(
  values: { 'access-token-ttl'?: string; 'refresh-token-ttl'?: string; 'code-ttl'?: string },
  config: ConfigFile,
): NonNullable<AuthorizationServerOptionsInput['tokenLifetimes']> {
  const seconds = (flag: string, value: string | undefined, fromFile: unknown) =>
    value !== undefined ? lifetimeFlag(flag, value) : (fromFile as number | undefined);
  const access = seconds('--access-token-ttl', values['access-token-ttl'], config.accessTokenTtlSeconds);
  const refresh = seconds('--refresh-token-ttl', values['refresh-token-ttl'], config.refreshTokenTtlSeconds);
  const code = seconds('--code-ttl', values['code-ttl'], config.codeTtlSeconds);
  return {
    ...(access !== undefined ? { accessTokenSeconds: access } : {}),
    ...(refresh !== undefined ? { refreshTokenSeconds: refresh } : {}),
    ...(code !== undefined ? { codeSeconds: code } : {}),
  };
}

function lifetimeFlag(flag: string, value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIFETIME_SECONDS) {
    throw new UsageError(
      `${flag} must be a number of seconds from 1 to ${MAX_LIFETIME_SECONDS}, not "${value}"`,
    );
  }
  return Number(value);
}

/**
 * `--audit-log FILE`, else the config file's `auditLog`, else `MCP_AUTH_AS_AUDIT_LOG` (the variable
 * the operator's commands append to as well); with none, audit lines go to the log stream.
 */
function auditLogFrom(
  flag: string | undefined,
  config: ConfigFile,
  env: Readonly<Record<string, string | undefined>>,
): Pick<AuthorizationServerOptionsInput, 'auditLogFile'> {
  const file = flag ?? (config.auditLog as string | undefined) ?? env[AUDIT_LOG_VARIABLE];
  return file ? { auditLogFile: file } : {};
}

/** `/metrics` on its own listener, only when `--metrics-port` is given. */
function metricsFrom(values: {
  'metrics-port'?: string;
  'metrics-host'?: string;
}): Pick<AuthorizationServerOptionsInput, 'metrics'> {
  const port = values['metrics-port'];
  if (port === undefined) {
    if (values['metrics-host'] !== undefined) throw new UsageError('--metrics-host needs --metrics-port');
    return {};
  }
  return {
    metrics: {
      port: wholeNumberFlag('--metrics-port', port, 65535),
      ...(values['metrics-host'] !== undefined ? { host: values['metrics-host'] } : {}),
    },
  };
}

function parseOrUsageError(argv: string[]) {
  return parseFlags(argv, SERVE_FLAGS);
}

function parseMaxDynamicClients(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--max-dynamic-clients must be a whole number of at least 1, not "${value}"`);
  }
  return Number(value);
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  }
  return Number(value);
}

/** What the config file may hold (see README): the resource registry and the lifetimes. */
interface ConfigFile {
  readonly resources?: unknown[];
  readonly accessTokenTtlSeconds?: unknown;
  readonly refreshTokenTtlSeconds?: unknown;
  readonly codeTtlSeconds?: unknown;
  readonly auditLog?: unknown;
}

const CONFIG_KEYS: ReadonlySet<string> = new Set([
  '$schema',
  'resources',
  'accessTokenTtlSeconds',
  'refreshTokenTtlSeconds',
  'codeTtlSeconds',
  'auditLog',
]);

/** The config file: `{ "resources": [ ... ], "accessTokenTtlSeconds": 10, ... }` (see README). */
function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`the config file ${path} must hold a JSON object like { "resources": [...] }`);
  }
  const unknownKeys = Object.keys(parsed).filter((key) => !CONFIG_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new UsageError(
      `the config file ${path} has unknown keys: ${unknownKeys.join(', ')} (it may hold ${[...CONFIG_KEYS].slice(1).join(', ')})`,
    );
  }
  const config = parsed as ConfigFile;
  if (config.resources !== undefined && !Array.isArray(config.resources)) {
    throw new UsageError(`the config file ${path}: "resources" must be a list of resources`);
  }
  for (const key of ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'codeTtlSeconds'] as const) {
    const value = config[key];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
      throw new UsageError(`the config file ${path}: ${key} must be a whole number of seconds, at least 1`);
    }
  }
  if (config.auditLog !== undefined && (typeof config.auditLog !== 'string' || config.auditLog === '')) {
    throw new UsageError(`the config file ${path}: "auditLog" must be the path of a file`);
  }
  return config;
}
