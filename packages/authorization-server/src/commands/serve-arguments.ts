import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '@mcp-auth/shared';
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
  'log-level': { type: 'string' },
  'dangerously-allow-loopback-client-metadata': { type: 'boolean' },
  'dangerously-allow-insecure-issuer': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ServeArgs {
  readonly help: boolean;
  readonly options: AuthorizationServerOptionsInput;
}

/** argv (after the program name) and the environment → raw options for zod to validate. */
export function parseServeArgs(argv: string[], env: Readonly<Record<string, string | undefined>>): ServeArgs {
  const { values, positionals } = parseOrUsageError(argv);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port ?? env.PORT;
  return {
    help: values.help === true,
    options: {
      ...(port !== undefined ? { port: parsePort(port) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
      dataDir: dataDirFrom(values, env),
      ...databaseFrom(values, env),
      ...resourcesFrom(values),
      trustProxy: values['trust-proxy'] === true,
      ...(values['max-dynamic-clients'] !== undefined
        ? { dynamicClients: { max: parseMaxDynamicClients(values['max-dynamic-clients']) } }
        : {}),
      ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as never } : {}),
      dangerouslyAllowLoopbackClientMetadata: values['dangerously-allow-loopback-client-metadata'] === true,
      dangerouslyAllowInsecureIssuer: values['dangerously-allow-insecure-issuer'] === true,
    },
  };
}

/**
 * The registry comes from `--config`, `--resource` flags, or both (merged); with neither, the
 * demo registry applies. A `--resource` gets the scopes of `--resource-scopes` (default `user`).
 */
function resourcesFrom(values: {
  config?: string;
  resource?: string[];
  'resource-scopes'?: string;
  'resource-token-format'?: string;
}): Pick<AuthorizationServerOptionsInput, 'resources'> {
  const fromFile = values.config !== undefined ? (readConfigFile(values.config).resources ?? []) : [];
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
  return resources.length > 0 || values.config !== undefined ? { resources: resources as never } : {};
}

function parseOrUsageError(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: SERVE_FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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

/** The config file holds the resource registry: `{ "resources": [ ... ] }` (see README). */
function readConfigFile(path: string): Pick<AuthorizationServerOptionsInput, 'resources'> {
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
  const unknownKeys = Object.keys(parsed).filter((key) => key !== 'resources' && key !== '$schema');
  if (unknownKeys.length > 0) {
    throw new UsageError(`the config file ${path} has unknown keys: ${unknownKeys.join(', ')}`);
  }
  const { resources } = parsed as { resources?: unknown };
  return resources === undefined ? {} : { resources: resources as never };
}
